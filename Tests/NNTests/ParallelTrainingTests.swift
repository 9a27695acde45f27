import CAllocationCounter
import Dispatch
import Testing
@testable import NN

/// The training thread pool: every task runs once, results do not depend on the thread count,
/// and a training step in the steady state allocates nothing.
struct ParallelTrainingTests {
    @Test(arguments: [1, 2, 3, 5])
    func poolRunsEveryTaskExactlyOnceOnDistinctWorkers(threads: Int) {
        let pool = ThreadPool(threadCount: threads)
        for tasks in [0, 1, 2, 7, 64] {
            var hits = [Int](repeating: 0, count: tasks)
            var workerOK = true
            hits.withUnsafeMutableBufferPointer { h in
                let base = h.baseAddress
                pool.forEach(tasks: tasks) { task, worker in
                    base![task] += 1   // each task is taken once, so no two threads write one slot
                    if worker < 0 || worker >= threads { workerOK = false }
                }
            }
            #expect(hits == [Int](repeating: 1, count: tasks))
            #expect(workerOK)
        }
        var covered = [Int](repeating: 0, count: 1000)
        covered.withUnsafeMutableBufferPointer { c in
            let base = c.baseAddress!
            pool.forEachRange(1000, grain: 10) { range in for i in range { base[i] += 1 } }
        }
        #expect(covered == [Int](repeating: 1, count: 1000))
    }

    /// Two tasks that each wait for the other can only finish if two threads run them at once.
    @Test func aPoolOfTwoRunsTwoTasksAtOnce() {
        let pool = ThreadPool(threadCount: 2)
        let started = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        var metEachOther = [false, false]
        metEachOther.withUnsafeMutableBufferPointer { met in
            let base = met.baseAddress!
            pool.forEach(tasks: 2) { task, _ in
                started[task].signal()
                base[task] = started[1 - task].wait(timeout: .now() + 30) == .success
            }
        }
        #expect(metEachOther == [true, true])
    }

    @Test func aRegionStartedInsideATaskRunsInlineInsteadOfDeadlocking() {
        let pool = ThreadPool(threadCount: 2)
        var hits = [Int](repeating: 0, count: 8 * 8)
        hits.withUnsafeMutableBufferPointer { h in
            let base = h.baseAddress!
            pool.forEach(tasks: 8) { outer, _ in
                pool.forEach(tasks: 8) { inner, _ in base[outer * 8 + inner] += 1 }
            }
        }
        #expect(hits == [Int](repeating: 1, count: 64))
    }

    @Test func changingThePoolsThreadCountTakesEffectAtTheNextRegion() {
        let pool = ThreadPool(threadCount: 4)
        pool.threadCount = 2
        var maxWorker = 0
        pool.forEach(tasks: 50) { _, worker in if worker > maxWorker { maxWorker = worker } }
        #expect(maxWorker < 2)
        pool.threadCount = 0
        #expect(pool.threadCount == 1)
    }

    /// The thread count changes only which thread computes what: matrix products are cut into
    /// bands by size, convolutions into blocks by batch size, and per-block gradient shares are
    /// summed in block order. So one, two or three threads train to the same bits.
    @Test func trainingIsBitIdenticalForAnyThreadCount() throws {
        let (images, labels) = Self.data(samples: 96, shape: [12, 12, 1])
        let (rows, rowLabels) = Self.data(samples: 96, shape: [600])
        func train(threads: Int) throws -> [Tensor] {
            let pool = ThreadPool(threadCount: threads)
            let cnn = try Self.cnn(pool: pool)
            try cnn.fit(x: images, y: labels, batchSize: 32, epochs: 2, verbose: 0)
            let mlp = try Self.mlp(pool: pool)
            try mlp.fit(x: rows, y: rowLabels, batchSize: 64, epochs: 2, verbose: 0)
            return cnn.getWeights() + mlp.getWeights() + [try cnn.predict(images), try mlp.predict(rows)]
        }
        let one = try train(threads: 1)
        #expect(try train(threads: 1) == one)
        #expect(try train(threads: 2) == one)
        #expect(try train(threads: 3) == one)
    }

    /// Today's rule: after the first batches have sized every buffer, a training step (forward,
    /// loss, backward, optimizer, metrics) makes no heap allocation on one thread. With more, each
    /// parallel region that wakes a helper costs one small box (the sentinel Swift's
    /// `withoutActuallyEscaping` allocates to check that the region's closure did not escape) and
    /// nothing else: a handful per step, where a buffer made per block or per batch would show as
    /// many. Counted on the calling thread, which runs its share of every region's tasks. Only in
    /// optimized builds: unoptimized generic code boxes its temporaries.
    @Test(.enabled(if: !_isDebugAssertConfiguration(), "debug builds allocate in unspecialized generic code"),
          arguments: [1, 2])
    func trainingStepAllocatesNothingInTheSteadyState(threads: Int) throws {
        let pool = ThreadPool(threadCount: threads)
        let (images, labels) = Self.data(samples: 32, shape: [12, 12, 1])
        let (rows, rowLabels) = Self.data(samples: 64, shape: [600])
        for (model, x, y) in [(try Self.cnn(pool: pool), images, labels), (try Self.mlp(pool: pool), rows, rowLabels)] {
            try model.resolveMetrics(targetShape: y.shape)
            let order = Array(0..<x.rows)
            model.gather(x, order, 0..<x.rows, into: &model.activations[0].tensor)
            model.gather(y, order, 0..<y.rows, into: &model.targetBatch)
            let trainable = model.trainableParameters
            let firstTrainable = model.layers.firstIndex { $0.parameters.contains(where: \.trainable) } ?? 0
            func step() -> Float {
                model.trainStep(optimizer: model.optimizer!, loss: model.loss!, trainable: trainable, firstTrainable: firstTrainable)
            }
            for _ in 0..<3 { _ = step() }
            var total: Float = 0
            tl_allocation_count_begin()
            for _ in 0..<5 { total += step() }
            let allocations = tl_allocation_count_end()
            let allowed = threads == 1 ? 0 : 5 * 6
            #expect(allocations <= allowed, "\(model.layers.map(\.className)) allocated \(allocations) times in 5 steps")
            #expect(total.isFinite)
        }
    }

    // MARK: - Fixtures

    static func cnn(pool: ThreadPool) throws -> Sequential {
        let model = try Sequential(layers: [
            Conv2D(filters: 8, kernelSize: [3], padding: "same", activation: "relu"), MaxPooling2D(),
            Conv2D(filters: 16, kernelSize: [3], activation: "gelu"), AveragePooling2D(padding: "same"),
            Flatten(), Dropout(rate: 0.3), Dense(units: 10),
        ], inputShape: [12, 12, 1], seed: RandomSeed(seed: 11), threadPool: pool)
        model.compile(optimizer: try Adam(), loss: SparseCategoricalCrossentropy(fromLogits: true), metricNames: ["accuracy"])
        return model
    }

    static func mlp(pool: ThreadPool) throws -> Sequential {
        let model = try Sequential(layers: [Dense(units: 256, activation: "relu"), Dense(units: 10)],
                                   inputShape: [600], seed: RandomSeed(seed: 12), threadPool: pool)
        model.compile(optimizer: try Adam(), loss: SparseCategoricalCrossentropy(fromLogits: true), metricNames: ["accuracy"])
        return model
    }

    static func data(samples: Int, shape: [Int]) -> (Tensor, Tensor) {
        var g = RandomGenerator(seed: 5)
        let size = shape.reduce(1, *)
        let x = Tensor(shape: [samples] + shape, scalars: (0..<samples * size).map { _ in g.nextUnitFloat() })
        let y = Tensor(shape: [samples, 1], scalars: (0..<samples).map { _ in Float(g.next() % 10) })
        return (x, y)
    }
}
