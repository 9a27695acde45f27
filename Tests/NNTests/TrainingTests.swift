import Foundation
import Testing
@testable import NN

struct TrainingTests {
    @Test func mlpOnDigitsReaches95PercentValidationAccuracy() throws {
        let seed = RandomSeed(seed: 42)
        // digits.csv is ordered by writer; shuffle once (seeded) so the last 20% is a fair sample.
        let (x, y) = try shuffledDigits()
        let model = try Sequential(layers: [
            Dense(units: 64, activation: "relu", inputShape: [64]),
            Dense(units: 10),
        ], seed: seed)
        model.compile(optimizer: TestAdam(learningRate: 0.003), loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: [TestAccuracy()])
        let history = try model.fit(x: x, y: y, batchSize: 32, epochs: 30, verbose: 0, validationSplit: 0.2)
        #expect(history.epoch == Array(0..<30))
        #expect(Set(history.history.keys) == ["loss", "accuracy", "val_loss", "val_accuracy"])
        #expect(history.history["val_accuracy"]!.last! >= 0.95)
        #expect(history.history["loss"]!.last! < history.history["loss"]!.first!)
    }

    /// Training steps flush subnormal floats to zero (Adam's decaying moments would otherwise slow
    /// every step about tenfold), and `fit` leaves the thread's floating-point mode as it was.
    @Test func trainingFlushesSubnormalsOnlyWhileItRuns() throws {
        final class Probe: Optimizer {
            var name: String { "Probe" }
            var learningRate = LearningRate.constant(0)
            var iterations = 0
            var flushedInEveryStep = true
            /// Read at run time so the compiler cannot fold the product.
            var half: Float = 0.5
            func apply(to parameters: [Parameter]) {
                flushedInEveryStep = flushedInEveryStep && Float.leastNormalMagnitude * half == 0
                iterations += 1
            }
        }
        let probe = Probe()
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [2])])
        model.compile(optimizer: probe, loss: TestMSE())
        try model.fit(x: Tensor(shape: [4, 2]), y: Tensor(shape: [4, 1]), batchSize: 2, epochs: 2, verbose: 0)
        #expect(probe.iterations == 4)
        #expect(probe.flushedInEveryStep)
        #expect(Float.leastNormalMagnitude * probe.half > 0, "the caller's subnormals are back after fit")
    }

    @Test func sameSeedGivesBitIdenticalTraining() throws {
        let (x, y) = try loadDigits()
        func run() throws -> ([Double], [Tensor]) {
            let seed = RandomSeed(seed: 7)
            let model = try Sequential(layers: [
                Dense(units: 16, activation: "relu", inputShape: [64]), Dropout(rate: 0.3), Dense(units: 10),
            ], seed: seed)
            model.compile(optimizer: TestAdam(), loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: [TestAccuracy()])
            let h = try model.fit(x: x.rows(0..<300), y: y.rows(0..<300), epochs: 3, verbose: 0)
            return (h.history["loss"]!, model.getWeights())
        }
        let (a, wa) = try run()
        let (b, wb) = try run()
        #expect(a == b)
        #expect(wa == wb)
    }

    @Test func mismatchedShapesNameBothLayersAndShapes() throws {
        let model = try Sequential(layers: [Dense(units: 10, inputShape: [4], name: "first")])
        let error = #expect(throws: NNError.self) {
            try model.add(Reshape(targetShape: [3, 3], name: "second"))
        }
        let text = error?.description ?? ""
        #expect(text.contains("first") && text.contains("second"))
        #expect(text.contains("(None, 10)") && text.contains("(None, 3, 3)"))
    }

    @Test func fitRejectsMismatchedSampleCounts() throws {
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [2])])
        model.compile(optimizer: TestSGD(), loss: TestMSE())
        #expect(throws: NNError.self) {
            try model.fit(x: Tensor(shape: [4, 2]), y: Tensor(shape: [3, 1]), verbose: 0)
        }
        #expect(throws: NNError.self) {
            try model.fit(x: Tensor(shape: [4, 3]), y: Tensor(shape: [4, 1]), verbose: 0)
        }
    }

    @Test func unknownActivationSuggestsTheClosestName() throws {
        let error = #expect(throws: NNError.self) { try Dense(units: 3, activation: "rellu") }
        #expect(error?.description == "Dense: unknown activation 'rellu' (did you mean 'relu'?)")
    }

    @Test func saveWeightsThenLoadGivesIdenticalPredictions() throws {
        let seed = RandomSeed(seed: 3)
        let (x, _) = try loadDigits()
        let a = try Sequential(layers: [Dense(units: 8, activation: "tanh", inputShape: [64]), Dense(units: 10)], seed: seed)
        let b = try Sequential(layers: [Dense(units: 8, activation: "tanh", inputShape: [64]), Dense(units: 10)], seed: seed)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UInt32.random(in: 0...UInt32.max)).bin").path
        try a.saveWeights(path)
        try b.loadWeights(path)
        #expect(try a.predict(x) == b.predict(x))
        // A flipped byte is caught by the checksum.
        var bytes = try readFile(path)
        bytes[40] ^= 1
        try writeFile(path, bytes)
        #expect(throws: NNError.self) { try b.loadWeights(path) }
    }

    @Test func earlyStoppingStopsAndRestoresBestWeights() throws {
        let seed = RandomSeed(seed: 1)
        let x = randomTensor([64, 3], seed: 1), y = randomTensor([64, 1], seed: 2)
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [3])], seed: seed)
        // A learning rate so large that the loss diverges after the first epochs.
        model.compile(optimizer: TestSGD(learningRate: 3), loss: TestMSE())
        var weightsAtEpoch: [[Tensor]] = []
        let recorder = LambdaCallback()
        recorder.onEpochEndHandler = { _, _ in weightsAtEpoch.append(model.getWeights()) }
        let stop = try EarlyStopping(monitor: "loss", patience: 2, restoreBestWeights: true)
        let history = try model.fit(x: x, y: y, batchSize: 64, epochs: 20, verbose: 0, callbacks: [recorder, stop])
        #expect(history.epoch.count < 20)
        #expect(stop.stoppedEpoch == history.epoch.last!)
        let losses = history.history["loss"]!
        let best = losses.indices.min { losses[$0] < losses[$1] }!
        #expect(stop.bestEpoch == best)
        #expect(model.getWeights() == weightsAtEpoch[best])
    }

    @Test func cancellationStopsBetweenBatches() throws {
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [2])])
        model.compile(optimizer: TestSGD(), loss: TestMSE())
        let flag = CancellationFlag()
        model.cancellation = flag
        let cb = LambdaCallback()
        var batches = 0
        cb.onBatchEndHandler = { _, _ in batches += 1; if batches == 2 { flag.cancel() } }
        #expect(throws: NNError.cancelled) {
            try model.fit(x: Tensor(shape: [100, 2]), y: Tensor(shape: [100, 1]), batchSize: 10, verbose: 0, callbacks: [cb])
        }
        #expect(batches == 2)
    }

    @Test func progressBarPrintsKerasLines() throws {
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [2])])
        model.compile(optimizer: TestSGD(), loss: TestMSE())
        var text = ""
        model.output = { text += $0 }
        try model.fit(x: Tensor(shape: [64, 2]), y: Tensor(shape: [64, 1]), epochs: 2, verbose: 2, validationSplit: 0.25)
        // Keras 3 heads each epoch ("Epoch 1/2") for verbose 1 and 2 when there is more than one.
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == "Epoch 1/2")
        #expect(lines[1].hasPrefix("2/2 - 0s - "))
        #expect(lines[1].contains("step - loss: ") && lines[1].hasSuffix(" - val_loss: 0.0000e+00"))
        text = ""
        try model.fit(x: Tensor(shape: [64, 2]), y: Tensor(shape: [64, 1]), epochs: 1, verbose: 1)
        #expect(!text.hasPrefix("Epoch"))
        #expect(text.contains("2/2 ━━━━━━━━━━━━━━━━━━━━ 0s"))
    }

    @Test func summaryPrintsKerasTable() throws {
        let model = try Sequential(layers: [Flatten(inputShape: [28, 28], name: "flatten"),
                                            Dense(units: 128, activation: "relu", name: "dense"),
                                            Dense(units: 10, name: "dense_1")], name: "sequential")
        let s = model.summary()
        #expect(s.hasPrefix("Model: \"sequential\"\n┏"))
        #expect(s.contains("│ dense (Dense)                   │ (None, 128)            │       100,480 │"))
        #expect(s.contains(" Total params: 101,770 (397.54 KB)"))
        #expect(try model.countParams() == 101_770)
    }

    @Test func compileWithKerasMetricNamesResolvesAccuracyFromShapes() throws {
        let seed = RandomSeed(seed: 11)
        let (x, y) = try shuffledDigits()
        let model = try Sequential(layers: [Dense(units: 32, activation: "relu", inputShape: [64]), Dense(units: 10)], seed: seed)
        model.compile(optimizer: try Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy(fromLogits: true),
                      metricNames: ["accuracy"])
        let h = try model.fit(x: x, y: y, epochs: 5, verbose: 0, validationData: (x.rows(1400..<1797), y.rows(1400..<1797)))
        #expect(h.history["val_accuracy"]!.last! > 0.9)
        let logs = try model.evaluate(x: x, y: y, verbose: 0)
        #expect(Set(logs.keys) == ["loss", "accuracy"])
        #expect(model.metricsNames == ["loss", "accuracy"])
    }

    @Test func labelsOutOfRangeAreAnErrorBeforeTraining() throws {
        let model = try Sequential(layers: [Dense(units: 3, inputShape: [2])])
        model.compile(optimizer: TestSGD(), loss: SparseCategoricalCrossentropy(fromLogits: true))
        let y = Tensor(shape: [2, 1], scalars: [0, 7])
        #expect(throws: (any Error).self) { try model.fit(x: Tensor(shape: [2, 2]), y: y, verbose: 0) }
    }

    @Test func initialEpochContinuesKerasEpochNumbering() throws {
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [2])])
        model.compile(optimizer: TestSGD(), loss: TestMSE())
        var seen: [Int] = []
        let cb = LambdaCallback()
        cb.onEpochBeginHandler = { epoch, _ in seen.append(epoch) }
        let h = try model.fit(x: Tensor(shape: [8, 2]), y: Tensor(shape: [8, 1]), epochs: 5, initialEpoch: 3, verbose: 0, callbacks: [cb])
        #expect(h.epoch == [3, 4])
        #expect(seen == [3, 4])
        #expect(h.params["steps"] == 1)
    }

    @Test func unbuiltModelSummaryShowsUnknownShapesAndBuildsOnFirstPredict() throws {
        let model = try Sequential(layers: [Dense(units: 4, name: "d")], name: "m")
        #expect(model.summary().contains("│ d (Dense)                       │ ?                      │   0 (unbuilt) │"))
        #expect(throws: NNError.self) { try model.countParams() }
        let y = try model.predict(Tensor(shape: [3, 5]))
        #expect(y.shape == [3, 4])
        #expect(try model.countParams() == 24)
    }

    @Test func evaluateBeforeCompileIsAClearError() throws {
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [2])])
        let error = #expect(throws: NNError.self) { try model.evaluate(x: Tensor(shape: [2, 2]), y: Tensor(shape: [2, 1])) }
        #expect(error?.kind == .notCompiled)
    }
}
