import Foundation

/// Hyperband (Keras Tuner's `HyperbandOracle`, after Li et al. 2018): brackets of successive
/// halving, from the most aggressive (many configurations, few epochs) to plain random search with
/// `max_epochs` each, so every bracket costs about the same.
///
/// A trial's values carry Keras Tuner's bookkeeping entries: `tuner/epochs` and
/// `tuner/initial_epoch` (what to train), `tuner/bracket` and `tuner/round`, and, after round 0,
/// `tuner/trial_id`, the trial whose best weights it continues from. Brackets and rounds are the
/// oracle's state, saved with every trial, so a resumed search continues exactly.
///
/// One Keras Tuner defect is fixed: there, a failed trial never counts as finished, so a round
/// with a failure cannot promote its last survivors and the bracket stalls for good. Here a failed
/// trial counts as finished and is never promoted.
public final class HyperbandOracle: Oracle {
    public let maxEpochs: Int
    public let factor: Int
    /// nil runs brackets until the caller stops the search.
    public let hyperbandIterations: Int?
    private let minEpochs = 1

    /// One trial of a round: its id, and the trial of the previous round it continues.
    struct Entry: Equatable {
        var id: String
        var pastId: String?
    }

    struct Bracket: Equatable {
        var number: Int
        var rounds: [[Entry]]
    }

    private var brackets: [Bracket] = []
    private var currentBracket = 0
    private var currentIteration = 0

    /// Keras Tuner's defaults: `max_epochs=100`, `factor=3`, `hyperband_iterations=1`.
    /// Keras Tuner's `Hyperband` defaults, defined here once.
    public enum HyperbandDefaults {
        public static let maxEpochs = 100
        public static let factor = 3
        public static let hyperbandIterations = 1
    }

    public init(objective: Objective = .defaultObjective, maxEpochs: Int = HyperbandDefaults.maxEpochs,
                factor: Int = HyperbandDefaults.factor, hyperbandIterations: Int? = HyperbandDefaults.hyperbandIterations,
                seed: Int? = nil, hyperparameters: HyperParameters? = nil, allowNewEntries: Bool = Defaults.allowNewEntries,
                tuneNewEntries: Bool = Defaults.tuneNewEntries, maxRetriesPerTrial: Int = Defaults.maxRetriesPerTrial,
                maxConsecutiveFailedTrials: Int? = Defaults.maxConsecutiveFailedTrials, maxTrials: Int? = nil) throws {
        let fn = "HyperbandOracle"
        guard maxEpochs >= 1 else { throw EngineError.invalid("\(fn): max_epochs must be >= 1, got \(maxEpochs)") }
        guard factor >= 2 else { throw EngineError.invalid("\(fn): factor must be an integer >= 2, got \(factor)") }
        if let h = hyperbandIterations, h < 1 {
            throw EngineError.invalid("\(fn): hyperband_iterations must be >= 1, got \(h)")
        }
        self.maxEpochs = maxEpochs
        self.factor = factor
        self.hyperbandIterations = hyperbandIterations
        try super.init(objective: objective, maxTrials: maxTrials, hyperparameters: hyperparameters,
                       allowNewEntries: allowNewEntries, tuneNewEntries: tuneNewEntries, seed: seed,
                       maxRetriesPerTrial: maxRetriesPerTrial, maxConsecutiveFailedTrials: maxConsecutiveFailedTrials)
        currentBracket = bracketCount - 1
        startBracket()
    }

    public override var kind: String { "Hyperband" }

    // MARK: - The schedule

    /// Brackets per Hyperband iteration: how often `max_epochs` divides by `factor` down to 1 epoch.
    var bracketCount: Int {
        var epochs = Double(maxEpochs), count = 0
        while epochs >= Double(minEpochs) {
            epochs /= Double(factor)
            count += 1
        }
        return count
    }

    /// Trials in `round` of bracket `bracket`, sized so that every bracket costs about the same.
    func size(bracket: Int, round: Int) -> Int {
        let lastBracketSize = (1 + log(Double(maxEpochs)) / log(Double(factor))).rounded(.up)
        let endSize = lastBracketSize / Double(bracket + 1)
        return Int((endSize * pow(Double(factor), Double(bracket - round))).rounded(.up))
    }

    /// Epochs a trial of `round` in bracket `bracket` trains up to.
    func epochs(bracket: Int, round: Int) -> Int {
        Int((Double(maxEpochs) / pow(Double(factor), Double(bracket - round))).rounded(.up))
    }

    private func startBracket() {
        brackets.append(Bracket(number: currentBracket, rounds: Array(repeating: [], count: currentBracket + 1)))
    }

    private func isComplete(_ bracket: Bracket) -> Bool {
        let last = bracket.rounds.count - 1
        return bracket.rounds[last].count >= size(bracket: bracket.number, round: last)
    }

    // MARK: - Proposals

    public override func populateSpace(trialId: String) throws -> PopulateResponse {
        brackets.removeAll(where: isComplete)
        for b in brackets.indices {
            if brackets[b].rounds[0].count < size(bracket: brackets[b].number, round: 0) {
                return try randomTrial(trialId, bracket: b)
            }
            for round in 1..<brackets[b].rounds.count {
                if let values = promotion(trialId, bracket: b, round: round) { return .running(values) }
            }
        }
        if currentBracket == 0 && currentIteration + 1 == hyperbandIterations {
            // No new brackets: wait for running trials of other workers, or end.
            if orderedTrials.contains(where: { $0.status == .running && $0.trialId != trialId }) { return .idle }
            return .stopped(reason: nil)
        }
        currentBracket -= 1
        if currentBracket < 0 {
            currentBracket = bracketCount - 1
            currentIteration += 1
        }
        startBracket()
        return try randomTrial(trialId, bracket: brackets.count - 1)
    }

    private func randomTrial(_ trialId: String, bracket b: Int) throws -> PopulateResponse {
        guard var values = try randomValues() else {
            if orderedTrials.contains(where: { $0.status == .running && $0.trialId != trialId }) { return .idle }
            return .stopped(reason: "Search space exhausted: all \(triedCount) distinct configurations have been tried (\(orderedTrials.count) trials ran).")
        }
        let number = brackets[b].number
        values["tuner/epochs"] = .int(Int64(epochs(bracket: number, round: 0)))
        values["tuner/initial_epoch"] = .int(0)
        values["tuner/bracket"] = .int(Int64(number))
        values["tuner/round"] = .int(0)
        brackets[b].rounds[0].append(Entry(id: trialId, pastId: nil))
        return .running(values)
    }

    /// The next survivor promoted into `round`, once enough of the previous round has finished
    /// that the best unpromoted trial is sure to be among the survivors.
    private func promotion(_ trialId: String, bracket b: Int, round: Int) -> HPValues? {
        let number = brackets[b].number
        let current = brackets[b].rounds[round], previous = brackets[b].rounds[round - 1]
        let target = size(bracket: number, round: round), previousSize = size(bracket: number, round: round - 1)
        guard current.count < target else { return nil }
        let promoted = Set(current.compactMap(\.pastId))
        let unpromoted = previous.compactMap { trials[$0.id] }.filter { !promoted.contains($0.trialId) }
        let completed = unpromoted.filter { $0.status == .completed && $0.score != nil }
        let failed = unpromoted.filter { $0.status == .failed || $0.status == .pruned }
        guard !completed.isEmpty, completed.count + failed.count > previousSize - target - current.count else { return nil }
        let maximize = objective.direction == .max
        // Pareto mode promotes by non-dominated rank (then crowding distance) among the unpromoted.
        let best = objective.isPareto
            ? Self.paretoRanking(completed, objective: objective)[0]
            : completed.min { a, b in maximize ? a.score! > b.score! : a.score! < b.score! }!
        var values = best.hyperparameters.values
        values["tuner/trial_id"] = .string(best.trialId)
        values["tuner/epochs"] = .int(Int64(epochs(bracket: number, round: round)))
        values["tuner/initial_epoch"] = .int(Int64(epochs(bracket: number, round: round - 1)))
        values["tuner/bracket"] = .int(Int64(number))
        values["tuner/round"] = .int(Int64(round))
        brackets[b].rounds[round].append(Entry(id: trialId, pastId: best.trialId))
        return values
    }

    // MARK: - State

    public override func extraState() -> JSON {
        func entry(_ e: Entry) -> JSON { .object([("id", .string(e.id)), ("past_id", e.pastId.map(JSON.string) ?? .null)]) }
        return .object([
            ("max_epochs", .int(Int64(maxEpochs))),
            ("factor", .int(Int64(factor))),
            ("hyperband_iterations", hyperbandIterations.map { .int(Int64($0)) } ?? .null),
            ("current_bracket", .int(Int64(currentBracket))),
            ("current_iteration", .int(Int64(currentIteration))),
            ("brackets", .array(brackets.map { bracket in
                .object([("bracket_num", .int(Int64(bracket.number))),
                         ("rounds", .array(bracket.rounds.map { .array($0.map(entry)) }))])
            })),
        ])
    }

    public override func restoreExtraState(_ state: JSON) throws {
        guard let saved = state["brackets"]?.arrayValue, let bracket = state["current_bracket"]?.intValue,
              let iteration = state["current_iteration"]?.intValue else {
            throw EngineError(.corruptData, "set_state: the stored Hyperband state has no brackets")
        }
        brackets = try saved.map { b in
            guard let number = b["bracket_num"]?.intValue, let rounds = b["rounds"]?.arrayValue else {
                throw EngineError(.corruptData, "set_state: a stored Hyperband bracket is malformed")
            }
            return Bracket(number: Int(number), rounds: try rounds.map { round in
                try (round.arrayValue ?? []).map { e in
                    guard let id = e["id"]?.stringValue else {
                        throw EngineError(.corruptData, "set_state: a stored Hyperband round entry has no id")
                    }
                    return Entry(id: id, pastId: e["past_id"]?.stringValue)
                }
            })
        }
        currentBracket = Int(bracket)
        currentIteration = Int(iteration)
    }
}
