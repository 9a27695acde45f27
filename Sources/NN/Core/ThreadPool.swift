import Foundation

/// The threads one training runs on: its owner decides how many (`threadCount`), and the layers
/// hand it their work as tasks (blocks of a batch, bands of a matrix product). Several pools can live in one process (one per Lua
/// state, one per tuner worker), each with its own count, so the cores can be shared out per
/// worker rather than by a process-wide setting such as OpenBLAS's own thread count (which the
/// engine keeps at one: every matrix product is split here instead).
///
/// The workers sleep on a condition variable between parallel regions and never spin, so a pool
/// costs no CPU while another process holds the cores. They are started at the first parallel
/// region that needs them and end when the pool is released or shrunk.
///
/// One parallel region at a time, started from the thread that owns the training; a task that
/// starts another region on the same pool runs that one on its own thread.
public final class ThreadPool: @unchecked Sendable {
    /// Scalars of element-wise work per task at least (tens of microseconds): waking a helper for
    /// less costs more than it saves, and every region is a point where a helper that lost its core
    /// to another process can hold the others up.
    public static let elementGrain = 1 << 16

    /// Every core this process may run on (what one training alone should use).
    public static var availableCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The threads a training uses: the calling thread plus `threadCount - 1` workers. Set it on
    /// the thread that trains (or before training starts); it takes effect at the next parallel
    /// region. Results do not depend on it (see `BLAS.gemm(pool:…)` and `Conv2D.backward`).
    public var threadCount: Int {
        didSet {
            threadCount = max(1, threadCount)
            if threadCount != oldValue { crew.stop() ; crew = Crew() }
        }
    }

    private var crew = Crew()

    public init(threadCount: Int = ThreadPool.availableCores) {
        self.threadCount = max(1, threadCount)
        BLAS.keepSingleThreaded()
    }

    deinit { crew.stop() }

    /// Runs `body(task, worker)` for every task in `0..<tasks` and returns when all are done. The
    /// calling thread is worker 0; up to `threadCount - 1` others join, each taking the next task
    /// as it finishes one, so a thread that loses its core to another process just does fewer.
    /// `worker` (below `threadCount`) names scratch space that no other running task uses. Which
    /// worker runs a task varies from run to run: a task's result must depend only on the task.
    public func forEach(tasks: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
        let helpers = min(tasks, threadCount) - 1
        if helpers <= 0 || crew.isBusy {
            for task in 0..<tasks { body(task, 0) }
            return
        }
        crew.ensureWorkers(helpers)
        // The workers reach the job through a pointer to it on this stack: storing the closure
        // itself in the crew would box it on the heap, once per region.
        withoutActuallyEscaping(body) { job in
            withUnsafePointer(to: Job(run: job)) { pointer in
                let generation = crew.start(pointer, tasks: tasks, helpers: helpers)
                withSubnormalsFlushed { crew.work(as: 0, generation: generation) }
                crew.waitUntilDone()
            }
        }
    }

    /// Cuts `0..<count` into contiguous ranges of at least `grain` items (a few per thread, for
    /// balance) and runs `body(range)` on each across the threads.
    public func forEachRange(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let pieces = Self.pieces(count, grain: grain, threads: threadCount)
        if pieces <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        forEach(tasks: pieces) { piece, _ in body(Self.range(piece, of: pieces, count: count)) }
    }

    /// How many pieces of at least `grain` items to cut `count` into for `threads` threads: none
    /// when there is nothing to do, one when the work is too small to share, else up to four per thread.
    static func pieces(_ count: Int, grain: Int, threads: Int) -> Int {
        guard count > 0 else { return 0 }
        guard threads > 1 else { return 1 }
        return max(1, min(4 * threads, count / max(grain, 1)))
    }

    /// Piece `part` of `0..<count` cut into `parts` near-equal contiguous ranges.
    @inline(__always)
    static func range(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        let base = count / parts, extra = count % parts
        let start = part * base + min(part, extra)
        return start ..< start + base + (part < extra ? 1 : 0)
    }
}

/// A parallel region's body, in a struct so that a pointer to it carries the closure as it is.
private struct Job {
    let run: (_ task: Int, _ worker: Int) -> Void
}

/// The workers of one pool and what they share. Kept apart from `ThreadPool` so the worker threads
/// hold this and not the pool, whose release is what stops them.
private final class Crew: @unchecked Sendable {
    /// Guards the wake-up generation; workers sleep on it between jobs.
    private let lock = NSCondition()
    private var generation = 0
    private var stopping = false
    private var workers = 0

    /// Guards the job, its task counter and the count of tasks running; the caller sleeps on it.
    private let progress = NSCondition()
    private var job: UnsafePointer<Job>?
    private var jobGeneration = 0
    private var helpers = 0
    private var tasks = 0
    private var nextTask = 0
    private var running = 0

    func ensureWorkers(_ count: Int) {
        while workers < count {
            workers += 1
            let index = workers
            let thread = Thread { [self] in serve(index) }
            thread.stackSize = 1 << 20
            thread.name = "tunelua-train-\(index)"
            thread.start()
        }
    }

    /// Publishes a job and wakes the workers; returns the job's generation.
    func start(_ job: UnsafePointer<Job>, tasks: Int, helpers: Int) -> Int {
        lock.lock()
        generation += 1
        progress.lock()
        self.job = job
        jobGeneration = generation
        self.helpers = helpers
        self.tasks = tasks
        nextTask = 0
        running = 0
        progress.unlock()
        lock.broadcast()
        lock.unlock()
        return jobGeneration
    }

    /// Runs tasks of job `generation` as worker `index` until none is left. A helper that wakes
    /// after the job is over finds nothing to take, so the caller never waits for a sleeper.
    func work(as index: Int, generation: Int) {
        while let task = claim(as: index, generation: generation) {
            run(task, as: index)
            progress.lock()
            running -= 1
            if running == 0 { progress.broadcast() }
            progress.unlock()
        }
    }

    private func claim(as index: Int, generation: Int) -> Int? {
        progress.lock()
        defer { progress.unlock() }
        guard jobGeneration == generation, nextTask < tasks, index <= helpers, job != nil else { return nil }
        nextTask += 1
        running += 1
        return nextTask - 1
    }

    /// Every reference to the job taken here is dropped before the task counts as done:
    /// `withoutActuallyEscaping` checks that none outlives the job.
    @inline(never)
    private func run(_ task: Int, as index: Int) {
        progress.lock()
        let job = self.job!
        progress.unlock()
        job.pointee.run(task, index)
    }

    /// Whether a region is running (a task asking for another one runs it inline).
    var isBusy: Bool {
        progress.lock(); defer { progress.unlock() }
        return job != nil
    }

    /// Called by the caller after its own `work` ran out of tasks: waits for tasks still running.
    func waitUntilDone() {
        progress.lock()
        while running > 0 { progress.wait() }
        job = nil
        tasks = 0
        progress.unlock()
    }

    func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        lock.unlock()
    }

    private func serve(_ index: Int) {
        var seen = 0
        lock.lock()
        while true {
            while generation == seen && !stopping { lock.wait() }
            if stopping { break }
            seen = generation
            lock.unlock()
            withSubnormalsFlushed { work(as: index, generation: seen) }
            lock.lock()
        }
        lock.unlock()
    }
}
