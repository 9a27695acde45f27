/// Decides whether a running trial should stop early (Optuna's `BasePruner`), from the trial's
/// intermediate values and the other trials'. The oracle owns its pruner and asks it under its
/// lock, so one pruner serves every worker.
public protocol Pruner: AnyObject {
    /// The Lua name (`MedianPruner`), stored with the project.
    var kind: String { get }
    /// Optuna's `prune(study, trial)`: whether `trial`, at its last reported step, should stop.
    func prune(_ trial: Trial, in study: PruningStudy) -> Bool
    /// What the pruner has learnt (rungs reached, resources estimated), persisted with the oracle.
    var state: JSON { get }
    func restore(_ state: JSON) throws
    /// A trial runs again from the start: what it recorded before no longer holds.
    func forget(trialId: String)
    /// Whether the pruner has a meaning in Pareto mode (docs/reference.md, "Pareto mode"); the
    /// others are refused there.
    var acceptsPareto: Bool { get }
}

public extension Pruner {
    var state: JSON { .null }
    func restore(_ state: JSON) throws {}
    func forget(trialId: String) {}
    var acceptsPareto: Bool { false }
}

/// What a pruner sees of the search (Optuna's `Study` as pruners use it).
public struct PruningStudy {
    public let direction: Objective.Direction
    /// Every trial, in creation order, whatever its status.
    public let trials: [Trial]
    /// Optuna's `study_name` (the project name): Hyperband hashes it with the trial number.
    public let name: String
    /// The whole objective (Pareto mode reads each component's intermediate values).
    public let objective: Objective

    public init(direction: Objective.Direction, trials: [Trial], name: String, objective: Objective? = nil) {
        self.direction = direction
        self.trials = trials
        self.name = name
        self.objective = objective ?? Objective("objective", direction)
    }

    var completed: [Trial] { trials.filter { $0.status == .completed } }
}

/// Helpers the pruners share, as Optuna's `_percentile` module defines them.
enum PrunerMath {
    /// Optuna's `_is_first_in_interval_step`: the step is the first reported one in its interval.
    static func isFirstInInterval(step: Int, steps: Dictionary<Int, Double>.Keys, warmup: Int, interval: Int) -> Bool {
        let nearestLower = floorDiv(step - warmup, interval) * interval + warmup
        var secondLast = -1
        for s in steps where s > secondLast && s != step { secondLast = s }
        return secondLast < nearestLower
    }

    /// numpy's `nanmin`/`nanmax` (NaN when every value is NaN).
    static func nanBest(_ values: [Double], _ direction: Objective.Direction) -> Double {
        var best = Double.nan
        for v in values where !v.isNaN {
            if best.isNaN || (direction == .max ? v > best : v < best) { best = v }
        }
        return best
    }

    /// numpy's `nanpercentile` with linear interpolation (NaN when every value is NaN).
    static func nanPercentile(_ values: [Double], _ q: Double) -> Double {
        let a = values.filter { !$0.isNaN }.sorted()
        guard !a.isEmpty else { return .nan }
        let rank = q / 100 * Double(a.count - 1)
        let lo = Int(rank.rounded(.down))
        let hi = min(lo + 1, a.count - 1)
        let t = rank - Double(lo)
        // numpy's _lerp: from the nearer end, so t = 0 and t = 1 give the values exactly.
        return t >= 0.5 ? a[hi] - (a[hi] - a[lo]) * (1 - t) : a[lo] + (a[hi] - a[lo]) * t
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
