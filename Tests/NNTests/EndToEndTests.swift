import Foundation
import Testing
@testable import NN

/// The parts working together without the model: CSV → seeded split → a logistic regression
/// trained by hand with BinaryCrossentropy(from_logits) and Adam → accuracy and AUC.
struct EndToEndTests {
    @Test func logisticRegressionLearnsBreastCancerData() throws {
        let (x, y) = try CSVReader.read(path: Fixture.path("breast_cancer.csv"))
        #expect(x.shape == [569, 30])
        var parts = try DataSplit.split(x: x, y: y, fraction: 0.8, seed: 1)
        standardize(&parts.xTrain, &parts.xVal)
        let features = x.shape[1]
        let weights = Parameter(name: "kernel", value: Tensor(shape: [features, 1]))
        let bias = Parameter(name: "bias", value: Tensor(shape: [1]))
        let loss = try BinaryCrossentropy(fromLogits: true)
        let optimizer = try Adam(learningRate: 0.05)
        var gradient = Tensor(shape: [0])
        var first: Float = 0, last: Float = 0
        for epoch in 0..<150 {
            let logits = predict(parts.xTrain, weights, bias)
            last = loss.loss(prediction: logits, target: parts.yTrain, gradient: &gradient)
            if epoch == 0 { first = last }
            backward(parts.xTrain, gradient, weights, bias)
            optimizer.apply(to: [weights, bias])
        }
        #expect(last < first / 5, "loss \(first) → \(last)")
        let logits = predict(parts.xVal, weights, bias)
        let probabilities = Tensor(shape: logits.shape, scalars: logits.scalars.map { 1 / (1 + Foundation.exp(-$0)) })
        let accuracy = try Metrics.named("accuracy", targetShape: parts.yVal.shape, predictionShape: probabilities.shape)
        let auc = try Metrics.named("auc", targetShape: parts.yVal.shape, predictionShape: probabilities.shape)
        accuracy.update(prediction: probabilities, target: parts.yVal)
        auc.update(prediction: probabilities, target: parts.yVal)
        #expect(accuracy.result() > 0.93, "accuracy \(accuracy.result())")
        #expect(auc.result() > 0.97, "auc \(auc.result())")
    }

    /// Per-column standardization with the training set's statistics.
    private func standardize(_ train: inout Tensor, _ validation: inout Tensor) {
        let columns = train.shape[1]
        for c in 0..<columns {
            let column = Tensor(shape: [train.rows], scalars: (0..<train.rows).map { train.scalars[$0 * columns + c] })
            let mean = column.mean(), std = max(column.std(), 1e-6)
            for r in 0..<train.rows { train.scalars[r * columns + c] = (train.scalars[r * columns + c] - mean) / std }
            for r in 0..<validation.rows { validation.scalars[r * columns + c] = (validation.scalars[r * columns + c] - mean) / std }
        }
    }

    private func predict(_ x: Tensor, _ weights: Parameter, _ bias: Parameter) -> Tensor {
        let columns = x.shape[1]
        var out = Tensor(shape: [x.rows, 1])
        for r in 0..<x.rows {
            var sum = bias.value.scalars[0]
            for c in 0..<columns { sum += x.scalars[r * columns + c] * weights.value.scalars[c] }
            out.scalars[r] = sum
        }
        return out
    }

    private func backward(_ x: Tensor, _ gradient: Tensor, _ weights: Parameter, _ bias: Parameter) {
        let columns = x.shape[1]
        var kernel = [Float](repeating: 0, count: columns)
        var biasGradient: Float = 0
        for r in 0..<x.rows {
            let g = gradient.scalars[r]
            biasGradient += g
            for c in 0..<columns { kernel[c] += g * x.scalars[r * columns + c] }
        }
        weights.gradient = Tensor(shape: [columns, 1], scalars: kernel)
        bias.gradient = Tensor(shape: [1], scalars: [biasGradient])
    }
}
