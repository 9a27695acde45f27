import Foundation

/// Optuna's `HyperbandPruner`: several `SuccessiveHalvingPruner` brackets with different early
/// stopping rates; each trial belongs to one bracket, chosen by hashing the study name and the
/// trial number (so the choice is the same in every process and after a resume).
public final class HyperbandPruner: Pruner {
    public let minResource: Int
    /// nil = "auto": the first completed trial's last step + 1.
    public private(set) var maxResource: Int?
    public let reductionFactor: Int
    public let bootstrapCount: Int
    private var brackets: [SuccessiveHalvingPruner] = []
    private var budgets: [Int] = []

    public enum Defaults {
        public static let minResource = 1
        public static let reductionFactor = 3
        public static let bootstrapCount = 0
    }

    public init(minResource: Int = Defaults.minResource, maxResource: Int? = nil, reductionFactor: Int = Defaults.reductionFactor,
                bootstrapCount: Int = Defaults.bootstrapCount) throws {
        let fn = "HyperbandPruner"
        guard minResource >= 1 else { throw EngineError.invalid("\(fn): min_resource must be >= 1, got \(minResource)") }
        if let maxResource, maxResource < minResource {
            throw EngineError.invalid("\(fn): max_resource (\(maxResource)) must be >= min_resource (\(minResource)) or \"auto\"")
        }
        guard reductionFactor >= 2 else { throw EngineError.invalid("\(fn): reduction_factor must be >= 2, got \(reductionFactor)") }
        guard bootstrapCount >= 0 else { throw EngineError.invalid("\(fn): bootstrap_count must be >= 0, got \(bootstrapCount)") }
        if bootstrapCount > 0 && maxResource == nil {
            throw EngineError.invalid("\(fn): bootstrap_count > 0 and max_resource = \"auto\" are mutually incompatible (bootstrap_count is \(bootstrapCount))")
        }
        self.minResource = minResource
        self.maxResource = maxResource
        self.reductionFactor = reductionFactor
        self.bootstrapCount = bootstrapCount
    }

    public var kind: String { "HyperbandPruner" }
    /// Its brackets are successive-halving pruners, which rank by front in Pareto mode.
    public var acceptsPareto: Bool { true }

    /// How many brackets (0 until `max_resource` is known).
    public var bracketCount: Int { brackets.count }

    public func prune(_ trial: Trial, in study: PruningStudy) -> Bool {
        if brackets.isEmpty {
            initialize(study)
            if brackets.isEmpty { return false }
        }
        let bracket = bracketId(of: trial, study: study)
        let members = study.trials.filter { bracketId(of: $0, study: study) == bracket }
        let bracketStudy = PruningStudy(direction: study.direction, trials: members, name: study.name, objective: study.objective)
        return brackets[bracket].prune(trial, in: bracketStudy)
    }

    private func initialize(_ study: PruningStudy) {
        if maxResource == nil {
            guard let last = study.completed.compactMap({ $0.intermediateValues.lastStep }).max() else { return }
            maxResource = last + 1
        }
        // s_max + 1 = floor(log_eta(R / r)) + 1 brackets (Algorithm 1 of the Hyperband paper).
        let count = Int((log(Double(maxResource!) / Double(minResource)) / log(Double(reductionFactor))).rounded(.down)) + 1
        brackets = []
        budgets = []
        for id in 0..<count {
            let s = count - 1 - id
            budgets.append(Int((Double(count) * pow(Double(reductionFactor), Double(s)) / Double(s + 1)).rounded(.up)))
            brackets.append(try! SuccessiveHalvingPruner(minResource: minResource, reductionFactor: reductionFactor,
                                                         minEarlyStoppingRate: id, bootstrapCount: bootstrapCount))
        }
    }

    /// Optuna's `_get_bracket_id`: crc32 of "<study name>_<trial number>" modulo the total budget.
    public func bracketId(of trial: Trial, study: PruningStudy) -> Int {
        guard !brackets.isEmpty else { return 0 }
        let total = budgets.reduce(0, +)
        var n = Int(CRC32.checksum(Array("\(study.name)_\(trial.index)".utf8)) % UInt32(total))
        for (id, budget) in budgets.enumerated() {
            n -= budget
            if n < 0 { return id }
        }
        return budgets.count - 1
    }

    public var state: JSON {
        .object([
            ("max_resource", maxResource.map { .int(Int64($0)) } ?? .null),
            ("brackets", .array(brackets.map(\.state))),
        ])
    }

    public func restore(_ state: JSON) throws {
        guard let m = state["max_resource"]?.intValue else { return }
        maxResource = Int(m)
        let stored = state["brackets"]?.arrayValue ?? []
        guard !stored.isEmpty else { return }
        initialize(PruningStudy(direction: .min, trials: [], name: ""))
        for (bracket, s) in zip(brackets, stored) { try bracket.restore(s) }
    }

    public func forget(trialId: String) { for b in brackets { b.forget(trialId: trialId) } }
}

/// The CRC-32 of zlib and Python's `binascii.crc32` (reflected polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
