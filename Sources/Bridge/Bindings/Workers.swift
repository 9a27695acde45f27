import Engine
import NN
import Foundation

/// What the command tells every Lua state it runs: how to start one more state running the same
/// script (a worker), how many workers a search runs when its tuner does not say (`--workers`,
/// `TUNELUA_WORKERS`), the sandbox and CPU limit every state gets, and the data the states share.
public final class ScriptHost: @unchecked Sendable {
    /// `--workers` as given ("4", "auto"), or nil.
    public let defaultWorkers: String?
    /// `--sandbox`: every state the command makes, workers included, is made with it.
    public let sandbox: Sandbox?
    /// `--cpu-limit`: seconds of CPU time per trial, in every state.
    public let cpuLimit: Double?
    /// Runs the script in a new state on the calling thread, after `prepare` has set that state
    /// up as a worker; returns the error that ended the run, if any.
    let launch: (@Sendable (_ prepare: @escaping (LuaState) -> Void) -> Error?)?
    /// Whether workers can be started (a script file runs; the REPL and `-e` cannot repeat).
    var canLaunch: Bool { launch != nil }
    /// Tensors that data calls loaded, shared by every state (immutable, so never copied).
    let sharedData = SharedData()

    /// - Parameter launch: makes a state like the main one (modules, `arg`), calls `prepare` on
    ///   it, then runs the script in it; returns what ended the run.
    public init(defaultWorkers: String?, sandbox: Sandbox? = nil, cpuLimit: Double? = nil,
                launch: (@Sendable (_ prepare: @escaping (LuaState) -> Void) -> Error?)?) {
        self.defaultWorkers = defaultWorkers
        self.sandbox = sandbox
        self.cpuLimit = cpuLimit
        self.launch = launch
    }
}

extension LuaState {
    /// The command's host, set on every state it makes (nil in states made by Swift tests).
    public var scriptHost: ScriptHost? {
        get { perStateIfPresent("tunelua.host") }
        set { if let newValue { setPerState("tunelua.host", newValue) } }
    }

    /// Set in a worker state: the search it joins.
    var workerContext: WorkerContext? { perStateIfPresent("tunelua.worker") }
}

/// A worker state's part in a search: which project's `search()` it joins, and under what name.
final class WorkerContext {
    let session: SearchSession
    let projectPath: String
    let name: String
    /// Set when this worker's part of the search is over: whatever the script does after that
    /// (a `pcall` may catch the end of `search()`) is not the worker's to run or to report.
    var finished = false

    init(session: SearchSession, projectPath: String, name: String) {
        self.session = session
        self.projectPath = projectPath
        self.name = name
    }

    /// What a worker's `search()` raises when its part is done: the rest of the script is the
    /// main state's alone (summaries, final training).
    static let finishedMessage = "tunelua: this worker's search is over"
}

/// How many workers a search runs: the tuner's `workers`, else `--workers`, else
/// `TUNELUA_WORKERS`, else 1; `"auto"` is the CPUs this process may run on.
enum WorkerCount {
    static func resolve(_ value: LuaValue, host: ScriptHost?, function: String) throws -> Int {
        if !value.isNil { return try parse(value, source: "\(function): workers") }
        if let given = host?.defaultWorkers { return try parse(.string(given), source: "--workers") }
        if let env = ProcessInfo.processInfo.environment["TUNELUA_WORKERS"], !env.isEmpty {
            return try parse(.string(env), source: "TUNELUA_WORKERS")
        }
        return 1
    }

    /// Each worker's training threads: the cores shared out, so workers never oversubscribe them.
    static func trainingThreads(workers: Int) -> Int { max(1, ThreadPool.availableCores / max(1, workers)) }

    static func parse(_ value: LuaValue, source: String) throws -> Int {
        if value.stringValue == "auto" { return ProcessInfo.processInfo.activeProcessorCount }
        let number = value.integerValue ?? value.stringValue.flatMap { Int64($0) }
        guard let n = number, n >= 1, n <= 1024 else {
            throw LuaCallError("\(source) must be a whole number from 1 to 1024, or \"auto\" (got \(value.description))")
        }
        return Int(n)
    }
}

/// The extra states of a parallel search, each on its own thread, running the script up to the
/// same tuner's `search()` and taking trials there.
final class WorkerPool: @unchecked Sendable {
    let session: SearchSession
    private let host: ScriptHost
    private let projectPath: String
    private var threads: [Thread] = []
    private let done = DispatchGroup()
    private let lock = NSLock()
    private var interrupts: [Interrupt] = []
    /// The first worker error that happened outside the search loop (the script's setup).
    private(set) var setupError: Error?

    init(session: SearchSession, host: ScriptHost, projectPath: String) {
        self.session = session
        self.host = host
        self.projectPath = projectPath
    }

    /// Starts `names.count` workers, one per name.
    func start(names: [String]) {
        for name in names {
            done.enter()
            let thread = Thread { [self] in
                defer { done.leave() }
                let context = WorkerContext(session: session, projectPath: projectPath, name: name)
                let error = host.launch? { state in
                    state.setPerState("tunelua.worker", context)
                    state.trainingThreads.threadCount = WorkerCount.trainingThreads(workers: self.session.workers)
                    self.lock.withLock { self.interrupts.append(state.interrupt) }
                    // A worker that starts after the search stopped leaves at once.
                    if self.session.error != nil { state.interrupt.request() }
                }
                if context.finished { return }
                guard let error else {
                    // The script ended without reaching this project's search: its directory or
                    // project name differs between runs (os.tmpname, the time), so the worker idled.
                    warnNeverJoined(name)
                    return
                }
                // Ended by the search stopping: the session holds the reason already.
                if session.error != nil && isInterruption(error) { return }
                lock.withLock { if setupError == nil { setupError = error } }
                session.stop(with: error)
            }
            // Lua's C calls and Swift frames both nest deeply in user code.
            thread.stackSize = 64 << 20
            thread.name = name
            threads.append(thread)
            thread.start()
        }
    }

    private var warned = false

    private func warnNeverJoined(_ name: String) {
        guard lock.withLock({ () -> Bool in defer { warned = true }; return !warned }) else { return }
        Console.writeError("warning: worker \(name) ran the script to its end without reaching the search of \(projectPath); "
                           + "give the tuner the same directory and project_name in every run (not os.tmpname() or the time)\n")
    }

    /// Asks every worker state to stop (another worker's fatal error, the consecutive-failure limit).
    func interruptAll() {
        lock.withLock { for interrupt in interrupts { interrupt.request() } }
    }

    func join() { done.wait() }

    private func isInterruption(_ error: Error) -> Bool {
        (error as? LuaError)?.message.contains("interrupted") ?? false
    }
}

extension Error {
    /// The error as it may cross into another Lua state: a `LuaError`'s value belongs to the
    /// state that raised it, so only its text crosses.
    var portable: Error {
        guard let error = self as? LuaError, error.value != nil else { return self }
        return LuaError(message: error.message, traceback: error.traceback)
    }
}
