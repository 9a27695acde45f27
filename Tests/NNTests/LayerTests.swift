import Foundation
import Testing
@testable import NN

struct LayerTests {
    @Test(arguments: ["valid", "same"])
    func conv2DGradientsMatchFiniteDifferences(padding: String) throws {
        try checkGradients(Conv2D(filters: 2, kernelSize: [3], padding: padding, activation: "tanh"),
                           inputShape: [5, 4, 2], batch: 2)
    }

    @Test func stridedAndDilatedConv2DGradientsMatchFiniteDifferences() throws {
        try checkGradients(Conv2D(filters: 2, kernelSize: [2, 3], strides: [2], padding: "same"), inputShape: [5, 6, 1], batch: 2)
        try checkGradients(Conv2D(filters: 1, kernelSize: [2], dilationRate: [2]), inputShape: [5, 5, 2], batch: 1)
    }

    /// Over 1,024 output positions per image, each image is a block of its own: the kernel and
    /// bias gradients are then sums of per-block shares (and swish keeps its pre-activations).
    @Test func conv2DGradientsMatchFiniteDifferencesAcrossBlocks() throws {
        try checkGradients(Conv2D(filters: 2, kernelSize: [3], padding: "same", activation: "swish"),
                           inputShape: [33, 32, 1], batch: 3)
    }

    @Test func conv2DSameOutputShapeIsCeilOfInputOverStride() throws {
        let c = try Conv2D(filters: 4, kernelSize: [3], strides: [2], padding: "same")
        var g = RandomGenerator(seed: 1)
        #expect(try c.build(inputShape: [7, 8, 3], generator: &g) == [4, 4, 4])
        #expect(c.kernel!.value.shape == [3, 3, 3, 4])
    }

    @Test(arguments: ["valid", "same"])
    func poolingGradientsMatchFiniteDifferences(padding: String) throws {
        try checkGradients(MaxPooling2D(padding: padding), inputShape: [5, 4, 2], batch: 2)
        try checkGradients(AveragePooling2D(poolSize: [2, 3], strides: [1], padding: padding), inputShape: [5, 4, 2], batch: 2)
    }

    @Test func maxPoolingTakesWindowMaximum() throws {
        let p = try MaxPooling2D()
        var g = RandomGenerator(seed: 1)
        _ = try p.build(inputShape: [2, 2, 1], generator: &g)
        var y = Tensor(shape: [0])
        p.forward(Tensor(shape: [1, 2, 2, 1], scalars: [1, 5, -2, 3]), into: &y, training: false)
        #expect(y == Tensor(shape: [1, 1, 1, 1], scalars: [5]))
    }

    @Test func globalAveragePoolingGradientsMatchFiniteDifferences() throws {
        try checkGradients(GlobalAveragePooling2D(), inputShape: [3, 2, 4], batch: 2)
    }

    @Test func normalizationGradientsMatchFiniteDifferences() throws {
        try checkGradients(BatchNormalization(), inputShape: [3], batch: 5)
        try checkGradients(BatchNormalization(), inputShape: [2, 2, 3], batch: 2)
        try checkGradients(LayerNormalization(), inputShape: [6], batch: 3)
    }

    @Test func batchNormalizationInferenceEqualsFormulaWithMovingStatistics() throws {
        let bn = try BatchNormalization(momentum: 0.9, epsilon: 1e-3)
        var g = RandomGenerator(seed: 1)
        _ = try bn.build(inputShape: [2], generator: &g)
        var y = Tensor(shape: [0])
        let batch = Tensor(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
        bn.forward(batch, into: &y, training: true)
        // mean (2.5, 25), biased variance (1.25, 125): moving = 0.9 · initial + 0.1 · batch.
        #expect(abs(bn.movingMean!.value.scalars[0] - 0.25) < 1e-6)
        #expect(abs(bn.movingVariance!.value.scalars[1] - (0.9 + 12.5)) < 1e-4)
        bn.gamma!.value.scalars = [2, 3]
        bn.beta!.value.scalars = [0.5, -1]
        let x = Tensor(shape: [1, 2], scalars: [7, -4])
        bn.forward(x, into: &y, training: false)
        for j in 0..<2 {
            let mean = bn.movingMean!.value.scalars[j], variance = bn.movingVariance!.value.scalars[j]
            let expected = bn.gamma!.value.scalars[j] * (x.scalars[j] - mean) / (variance + 1e-3).squareRoot() + bn.beta!.value.scalars[j]
            #expect(abs(y.scalars[j] - expected) < 1e-5)
        }
    }

    @Test func batchNormalizationOnBatchOfOneInTrainingGivesBetaNotNaN() throws {
        let bn = try BatchNormalization()
        var g = RandomGenerator(seed: 1)
        _ = try bn.build(inputShape: [3], generator: &g)
        bn.beta!.value.scalars = [1, 2, 3]
        var y = Tensor(shape: [0])
        bn.forward(Tensor(shape: [1, 3], scalars: [5, -6, 7]), into: &y, training: true)
        #expect(y.scalars == [1, 2, 3])
    }

    @Test func smallCNNLearnsDigitsAsImages() throws {
        let seed = RandomSeed(seed: 5)
        let (x, y) = try shuffledDigits()
        let images = x.reshaped([x.rows, 8, 8, 1])!
        let model = try Sequential(layers: [
            Conv2D(filters: 16, kernelSize: [3], padding: "same", activation: "relu", inputShape: [8, 8, 1]),
            MaxPooling2D(),
            Conv2D(filters: 32, kernelSize: [3], activation: "relu"),
            Flatten(),
            Dense(units: 10),
        ], seed: seed)
        model.compile(optimizer: TestAdam(learningRate: 0.003), loss: SparseCategoricalCrossentropy(fromLogits: true), metrics: [TestAccuracy()])
        let h = try model.fit(x: images, y: y, epochs: 12, verbose: 0, validationSplit: 0.2)
        #expect(h.history["val_accuracy"]!.last! >= 0.95)
    }

    @Test func saveThenLoadModelGivesIdenticalPredictions() throws {
        let seed = RandomSeed(seed: 9)
        let (x, y) = try shuffledDigits()
        let images = x.reshaped([x.rows, 8, 8, 1])!.rows(0..<200)
        let model = try Sequential(layers: [
            Conv2D(filters: 4, kernelSize: [3], padding: "same", activation: "gelu"),
            BatchNormalization(), AveragePooling2D(), LayerNormalization(), GlobalAveragePooling2D(),
            Dropout(rate: 0.2), Dense(units: 10, activation: "softmax", kernelRegularizer: Regularizer(l2: 0.01)),
        ], inputShape: [8, 8, 1], seed: seed)
        model.compile(optimizer: try Adam(learningRate: 0.002), loss: SparseCategoricalCrossentropy(fromLogits: true),
                      metrics: [TestAccuracy()])
        try model.fit(x: images, y: y.rows(0..<200), epochs: 2, verbose: 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("m-\(UInt32.random(in: 0...UInt32.max)).tlmodel").path
        try model.save(path)
        let loaded = try Sequential.load(path)
        #expect(loaded.summary() == model.summary())
        #expect(loaded.savedCompile?.loss == "sparse_categorical_crossentropy")
        #expect(loaded.savedCompile?.lossConfig?.config["from_logits"] == .bool(true))
        #expect(loaded.savedCompile?.optimizerConfig?.className == "Adam")
        #expect(loaded.savedCompile?.optimizerConfig?.config["learning_rate"] == .number(Double(Float(0.002))))
        #expect(try loaded.predict(images) == model.predict(images))
    }

    @Test func reduceLROnPlateauLowersRateAfterPatienceFlatEpochs() throws {
        let model = try Sequential(layers: [Dense(units: 1, kernelInitializer: .zeros, inputShape: [1])])
        let sgd = TestSGD(learningRate: 0.0)   // nothing changes: every epoch is flat
        model.compile(optimizer: sgd, loss: TestMSE())
        let reduce = try ReduceLROnPlateau(monitor: "loss", factor: 0.5, patience: 2)
        sgd.learningRate = .constant(0.1)
        // A zero gradient keeps the loss flat even with a learning rate.
        let h = try model.fit(x: Tensor(shape: [4, 1]), y: Tensor(shape: [4, 1]), epochs: 5, verbose: 0, callbacks: [reduce])
        #expect(h.history["learning_rate"]!.map { Float($0) } == [0.1, 0.1, 0.1, 0.05, 0.05])
    }

    @Test func terminateOnNaNStopsTraining() throws {
        let model = try Sequential(layers: [Dense(units: 1, inputShape: [1])])
        model.compile(optimizer: TestSGD(), loss: TestMSE())
        var x = Tensor(shape: [8, 1], repeating: 1)
        x.scalars[0] = .nan
        var text = ""
        model.output = { text += $0 }
        let h = try model.fit(x: x, y: Tensor(shape: [8, 1]), batchSize: 4, epochs: 3, verbose: 0, callbacks: [TerminateOnNaN()])
        #expect(h.epoch == [0])
        #expect(text.contains("Invalid loss, terminating training"))
    }
}
