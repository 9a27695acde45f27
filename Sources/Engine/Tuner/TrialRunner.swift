/// The user's side of the search loop: `run_trial` and the hooks (Keras Tuner's overridable
/// `run_trial`, `on_search_begin/end`, `on_trial_begin/end`). The Lua bridge adapts Lua functions
/// to it; the hooks default to doing nothing.
///
/// `runTrial` returns what the user's function returned (`TrialResult`), or throws:
/// `FailedTrialError` (fail, no retry), `FatalError` (stop the search), `SearchInterrupted`, or any
/// other error (the trial is INVALID and retried while `max_retries_per_trial` allows).
public protocol TrialRunner: AnyObject {
    func runTrial(_ trial: Trial, tuner: Tuner) throws -> TrialResult
    func onSearchBegin(tuner: Tuner) throws
    func onSearchEnd(tuner: Tuner) throws
    func onTrialBegin(_ trial: Trial, tuner: Tuner) throws
    func onTrialEnd(_ trial: Trial, tuner: Tuner) throws

    /// Keras Tuner's training hooks (`on_epoch_begin(trial, model, epoch, logs)`, …), called while
    /// model tuning trains. Batch hooks are called only when `observesBatches`.
    var observesBatches: Bool { get }

    /// Wraps the oracle's proposal of this worker's next trial (a Lua oracle proposes in the
    /// calling worker's own Lua state).
    func proposing<T>(with oracle: Oracle, _ body: () throws -> T) throws -> T
    /// Runs the trial (`body`) so that its code, still running after `timeout` seconds, stops by
    /// throwing `TrialTimedOut` (the Lua bridge's count hook; training checks between batches).
    func running<T>(timeout: Double?, _ body: () throws -> T) throws -> T
    func onEpochBegin(_ trial: Trial, model: any TunableModel, epoch: Int, logs: [String: Double], tuner: Tuner) throws
    func onEpochEnd(_ trial: Trial, model: any TunableModel, epoch: Int, logs: [String: Double], tuner: Tuner) throws
    func onBatchBegin(_ trial: Trial, model: any TunableModel, batch: Int, logs: [String: Double], tuner: Tuner) throws
    func onBatchEnd(_ trial: Trial, model: any TunableModel, batch: Int, logs: [String: Double], tuner: Tuner) throws
}

public extension TrialRunner {
    func onSearchBegin(tuner: Tuner) throws {}
    func onSearchEnd(tuner: Tuner) throws {}
    func onTrialBegin(_ trial: Trial, tuner: Tuner) throws {}
    func onTrialEnd(_ trial: Trial, tuner: Tuner) throws {}
    var observesBatches: Bool { false }
    func proposing<T>(with oracle: Oracle, _ body: () throws -> T) throws -> T { try body() }
    func running<T>(timeout: Double?, _ body: () throws -> T) throws -> T { try body() }
    func onEpochBegin(_ trial: Trial, model: any TunableModel, epoch: Int, logs: [String: Double], tuner: Tuner) throws {}
    func onEpochEnd(_ trial: Trial, model: any TunableModel, epoch: Int, logs: [String: Double], tuner: Tuner) throws {}
    func onBatchBegin(_ trial: Trial, model: any TunableModel, batch: Int, logs: [String: Double], tuner: Tuner) throws {}
    func onBatchEnd(_ trial: Trial, model: any TunableModel, batch: Int, logs: [String: Double], tuner: Tuner) throws {}
}

/// A `TrialRunner` made of closures, for Swift callers and tests.
public final class ClosureTrialRunner: TrialRunner {
    public var run: (Trial) throws -> TrialResult
    public var searchBegin: (() throws -> Void)?
    public var searchEnd: (() throws -> Void)?
    public var trialBegin: ((Trial) throws -> Void)?
    public var trialEnd: ((Trial) throws -> Void)?

    public init(_ run: @escaping (Trial) throws -> TrialResult) { self.run = run }

    public func runTrial(_ trial: Trial, tuner: Tuner) throws -> TrialResult { try run(trial) }
    public func onSearchBegin(tuner: Tuner) throws { try searchBegin?() }
    public func onSearchEnd(tuner: Tuner) throws { try searchEnd?() }
    public func onTrialBegin(_ trial: Trial, tuner: Tuner) throws { try trialBegin?(trial) }
    public func onTrialEnd(_ trial: Trial, tuner: Tuner) throws { try trialEnd?(trial) }
}
