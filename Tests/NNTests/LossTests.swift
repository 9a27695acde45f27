import Testing
import Foundation
@testable import NN

struct LossTests {
    let regressionPrediction = Tensor(shape: [3, 2], scalars: [0.5, -1.2, 2.0, 0.3, -0.7, 1.9])
    let regressionTarget = Tensor(shape: [3, 2], scalars: [0.0, -1.0, 0.5, 0.3, 0.8, 1.0])

    @Test func meanSquaredErrorIsMeanOfSquaredDifferences() {
        let value = MeanSquaredError().loss(prediction: regressionPrediction, target: regressionTarget)
        // (0.25 + 0.04 + 2.25 + 0 + 2.25 + 0.81) / 6
        #expect(isClose(value, 5.6 / 6))
    }

    @Test func meanAbsoluteErrorIsMeanOfAbsoluteDifferences() {
        let value = MeanAbsoluteError().loss(prediction: regressionPrediction, target: regressionTarget)
        #expect(isClose(value, (0.5 + 0.2 + 1.5 + 0 + 1.5 + 0.9) / 6))
    }

    @Test func huberIsQuadraticInsideDeltaAndLinearOutside() throws {
        let value = try Huber().loss(prediction: regressionPrediction, target: regressionTarget)
        let expected = (0.125 + 0.02 + (1.5 - 0.5) + 0 + (1.5 - 0.5) + 0.405) / 6
        #expect(isClose(value, expected))
    }

    @Test func regressionGradientsMatchFiniteDifferences() throws {
        // Keep differences away from the kinks of MAE and Huber, where the derivative jumps.
        let target = Tensor(shape: [3, 2], scalars: [0.0, -1.0, 0.5, 0.35, 0.8, 1.0])
        for loss: any Loss in [MeanSquaredError(), MeanAbsoluteError(), try Huber(delta: 1.0), try Huber(delta: 0.3)] {
            #expect(maxGradientError(loss, prediction: regressionPrediction, target: target) < 2e-3, "\(loss.name)")
        }
    }

    @Test func targetOfShapeNFitsPredictionOfShapeNByOne() throws {
        let prediction = Tensor(shape: [2, 1], scalars: [1, 2])
        let target = Tensor(shape: [2], scalars: [0, 0])
        try MeanSquaredError().validate(predictionShape: prediction.shape, target: target)
        #expect(isClose(MeanSquaredError().loss(prediction: prediction, target: target), 2.5))
    }

    @Test func mismatchedShapesAreAnErrorNamingBothShapes() {
        #expect {
            try MeanSquaredError().validate(predictionShape: [4, 2], target: Tensor(shape: [4, 3]))
        } throws: { error in
            "\(error)".contains("[4, 3]") && "\(error)".contains("[4, 2]")
        }
        var gradient = Tensor(shape: [0])
        #expect(MeanSquaredError().loss(prediction: Tensor(shape: [4, 2]), target: Tensor(shape: [4, 3]), gradient: &gradient).isNaN)
    }

    @Test func binaryCrossentropyMatchesKerasDocExample() throws {
        // keras.losses.binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]) → [0.916, 0.714]
        let prediction = Tensor(shape: [2, 2], scalars: [0.6, 0.4, 0.4, 0.6])
        let target = Tensor(shape: [2, 2], scalars: [0, 1, 0, 0])
        let value = try BinaryCrossentropy().loss(prediction: prediction, target: target)
        #expect(abs(Double(value) - (0.916291 + (0.510826 + 0.916291) / 2) / 2) < 1e-5)
    }

    @Test func binaryCrossentropyFromLogitsEqualsSigmoidThenProbabilities() throws {
        let logits = Tensor(shape: [4, 1], scalars: [-2, 0.5, 3, -0.1])
        let probabilities = Tensor(shape: [4, 1], scalars: logits.scalars.map { 1 / (1 + exp(-$0)) })
        let target = Tensor(shape: [4], scalars: [0, 1, 1, 0])
        let fromLogits = try BinaryCrossentropy(fromLogits: true).loss(prediction: logits, target: target)
        let fromProbabilities = try BinaryCrossentropy().loss(prediction: probabilities, target: target)
        #expect(abs(fromLogits - fromProbabilities) < 1e-5)
    }

    @Test func binaryCrossentropyFromHugeLogitsStaysFinite() throws {
        let value = try BinaryCrossentropy(fromLogits: true).loss(prediction: Tensor(shape: [2, 1], scalars: [500, -500]),
                                                                  target: Tensor(shape: [2], scalars: [0, 1]))
        #expect(isClose(value, 500))
    }

    @Test func binaryCrossentropyClipsSaturatedProbabilities() throws {
        let value = try BinaryCrossentropy().loss(prediction: Tensor(shape: [1, 1], scalars: [0]), target: Tensor(shape: [1], scalars: [1]))
        #expect(abs(Double(value) - 16.118) < 1e-2)  // −log(1e-7)
    }

    @Test func binaryCrossentropyLabelSmoothingMovesTargetsTowardHalf() throws {
        let prediction = Tensor(shape: [1, 1], scalars: [0.7])
        let value = try BinaryCrossentropy(labelSmoothing: 0.2).loss(prediction: prediction, target: Tensor(shape: [1], scalars: [1]))
        // target becomes 0.9
        #expect(isClose(value, -(0.9 * log(0.7) + 0.1 * log(0.3))))
    }

    @Test func crossentropyGradientsMatchFiniteDifferences() throws {
        let probabilities = Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.1, 0.1, 0.8])
        let logits = Tensor(shape: [2, 3], scalars: [1.5, -0.3, 0.2, -2, 0.7, 0.1])
        let oneHot = Tensor(shape: [2, 3], scalars: [0, 1, 0, 0, 0, 1])
        let sparse = Tensor(shape: [2], scalars: [1, 2])
        let binaryTarget = Tensor(shape: [2, 3], scalars: [0, 1, 1, 0, 0, 1])
        let cases: [(any Loss, Tensor, Tensor)] = [
            (try BinaryCrossentropy(), probabilities, binaryTarget),
            (try BinaryCrossentropy(fromLogits: true), logits, binaryTarget),
            (try BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1), logits, binaryTarget),
            (try CategoricalCrossentropy(), probabilities, oneHot),
            (try CategoricalCrossentropy(), Tensor(shape: [2, 3], scalars: [0.4, 1.1, 0.3, 0.2, 0.5, 0.9]), oneHot),
            (try CategoricalCrossentropy(fromLogits: true), logits, oneHot),
            (try CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.2), logits, oneHot),
            (SparseCategoricalCrossentropy(), probabilities, sparse),
            (SparseCategoricalCrossentropy(), Tensor(shape: [2, 3], scalars: [0.4, 1.1, 0.3, 0.2, 0.5, 0.9]), sparse),
            (SparseCategoricalCrossentropy(fromLogits: true), logits, sparse),
        ]
        for (loss, prediction, target) in cases {
            let error = maxGradientError(loss, prediction: prediction, target: target, step: 1e-3)
            #expect(error < 5e-3, "\(loss.name) gradient off by \(error)")
        }
    }

    @Test func categoricalCrossentropyMatchesKerasDocExample() throws {
        // Keras: categorical_crossentropy(a, b) → [0.10536 0.11653 0.06188]
        let target = Tensor(shape: [3, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let prediction = Tensor(shape: [3, 3], scalars: [0.9, 0.05, 0.05, 0.05, 0.89, 0.06, 0.05, 0.01, 0.94])
        let value = try CategoricalCrossentropy().loss(prediction: prediction, target: target)
        #expect(abs(Double(value) - (0.10536 + 0.11653 + 0.06188) / 3) < 1e-5)
    }

    @Test func sparseAndCategoricalAgreeOnTheSameLabels() throws {
        let logits = Tensor(shape: [2, 3], scalars: [1.5, -0.3, 0.2, -2, 0.7, 0.1])
        let sparse = SparseCategoricalCrossentropy(fromLogits: true).loss(prediction: logits, target: Tensor(shape: [2, 1], scalars: [0, 2]))
        let dense = try CategoricalCrossentropy(fromLogits: true).loss(prediction: logits, target: Tensor(shape: [2, 3], scalars: [1, 0, 0, 0, 0, 1]))
        #expect(abs(sparse - dense) < 1e-6)
    }

    @Test func sparseCrossentropyFromLargeLogitsStaysFinite() {
        let value = SparseCategoricalCrossentropy(fromLogits: true).loss(prediction: Tensor(shape: [1, 2], scalars: [1000, 0]),
                                                                         target: Tensor(shape: [1], scalars: [1]))
        #expect(isClose(value, 1000))
    }

    @Test func sparseLabelOutOfRangeNamesLabelAndClassCount() {
        #expect {
            try SparseCategoricalCrossentropy().validate(predictionShape: [2, 3], target: Tensor(shape: [2], scalars: [0, 3]))
        } throws: { error in
            let text = "\(error)"
            return text.contains("label 3") && text.contains("3 classes") && text.hasPrefix("SparseCategoricalCrossentropy")
        }
        #expect(SparseCategoricalCrossentropy().loss(prediction: Tensor(shape: [1, 3]), target: Tensor(shape: [1], scalars: [7])).isNaN)
    }

    @Test func gradientBufferIsReusedWhenItFits() {
        let prediction = Tensor(shape: [2, 3], scalars: [0.2, 0.5, 0.3, 0.1, 0.1, 0.8])
        var gradient = Tensor(shape: [2, 3])
        let before = gradient.scalars.withUnsafeBufferPointer { $0.baseAddress }
        _ = SparseCategoricalCrossentropy().loss(prediction: prediction, target: Tensor(shape: [2], scalars: [0, 1]), gradient: &gradient)
        let after = gradient.scalars.withUnsafeBufferPointer { $0.baseAddress }
        #expect(before == after)
    }

    @Test func resolverAcceptsKerasNamesAndSuggestsOnTypos() throws {
        #expect(try Losses.named("mse").name == "mean_squared_error")
        #expect(try Losses.named("mean_absolute_error").name == "mean_absolute_error")
        #expect(try Losses.named("huber").name == "huber_loss")
        #expect(try Losses.named("sparse_categorical_crossentropy").name == "sparse_categorical_crossentropy")
        #expect {
            try Losses.named("sparse_categorical_crossentropi")
        } throws: { error in
            "\(error)".contains("did you mean 'sparse_categorical_crossentropy'")
        }
    }

    @Test func invalidLossArgumentsAreErrors() {
        #expect(throws: LossError.self) { try Huber(delta: 0) }
        #expect(throws: LossError.self) { try BinaryCrossentropy(labelSmoothing: 1.5) }
    }
}
