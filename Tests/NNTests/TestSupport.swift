import Foundation
@testable import NN

// Minimal loss, metric and optimizers for these tests (independent of the `nnparts` implementations,
// so that layer and training tests do not depend on theirs being right).

struct TestMSE: Loss {
    var name: String { "mean_squared_error" }
    func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        gradient.resize(to: prediction.shape)
        let n = Float(prediction.count)
        var total: Float = 0
        for i in 0..<prediction.count {
            let d = prediction.scalars[i] - target.scalars[i]
            total += d * d
            gradient.scalars[i] = 2 * d / n
        }
        return total / n
    }
    func loss(prediction: Tensor, target: Tensor) -> Float {
        var g = Tensor(shape: [0])
        return loss(prediction: prediction, target: target, gradient: &g)
    }
}

final class TestAccuracy: Metric {
    var name: String { "accuracy" }
    var correct = 0, total = 0
    func reset() { correct = 0; total = 0 }
    func update(prediction: Tensor, target: Tensor) {
        let k = prediction.rowSize
        for r in 0..<prediction.rows {
            let row = prediction.scalars[r * k ..< (r + 1) * k]
            let arg = row.indices.max { row[$0] < row[$1] }! - r * k
            if arg == Int(target.scalars[r]) { correct += 1 }
            total += 1
        }
    }
    func result() -> Double { total == 0 ? 0 : Double(correct) / Double(total) }
}

final class TestAdam: Optimizer {
    var name: String { "Adam" }
    var learningRate: LearningRate
    var iterations = 0
    var m: [ObjectIdentifier: [Float]] = [:], v: [ObjectIdentifier: [Float]] = [:]
    init(learningRate: Float = 0.001) { self.learningRate = .constant(learningRate) }
    func apply(to parameters: [Parameter]) {
        let lr = learningRate.value(atStep: iterations)
        let t = Float(iterations + 1)
        let a = lr * (1 - powf(0.999, t)).squareRoot() / (1 - powf(0.9, t))
        for p in parameters {
            let id = ObjectIdentifier(p)
            var mm = m[id] ?? [Float](repeating: 0, count: p.value.count)
            var vv = v[id] ?? [Float](repeating: 0, count: p.value.count)
            for i in 0..<mm.count {
                let g = p.gradient.scalars[i]
                mm[i] = 0.9 * mm[i] + 0.1 * g
                vv[i] = 0.999 * vv[i] + 0.001 * g * g
                p.value.scalars[i] -= a * mm[i] / (vv[i].squareRoot() + 1e-7)
            }
            m[id] = mm; v[id] = vv
        }
        iterations += 1
    }
}

final class TestSGD: Optimizer {
    var name: String { "SGD" }
    var learningRate: LearningRate
    var iterations = 0
    init(learningRate: Float = 0.01) { self.learningRate = .constant(learningRate) }
    func apply(to parameters: [Parameter]) {
        let lr = learningRate.value(atStep: iterations)
        for p in parameters {
            for i in 0..<p.value.count { p.value.scalars[i] -= lr * p.gradient.scalars[i] }
        }
        iterations += 1
    }
}

/// digits.csv from the fixtures: x (n, 64) scaled to [0, 1], y (n, 1) labels.
func loadDigits() throws -> (x: Tensor, y: Tensor) {
    let url = Bundle.module.url(forResource: "digits", withExtension: "csv", subdirectory: "Fixtures")!
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
    var xs: [Float] = [], ys: [Float] = []
    for line in lines {
        let v = line.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces))! }
        xs += v.dropLast().map { $0 / 16 }
        ys.append(v.last!)
    }
    return (Tensor(shape: [ys.count, 64], scalars: xs), Tensor(shape: [ys.count, 1], scalars: ys))
}

/// A deterministic pseudo-random tensor.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var g = RandomGenerator(seed: seed)
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(g.nextNormal()) * scale })
}

/// digits with rows in a fixed pseudo-random order.
func shuffledDigits() throws -> (x: Tensor, y: Tensor) {
    let (x, y) = try loadDigits()
    var g = RandomGenerator(seed: 2024)
    let order = Array(0..<x.rows).shuffled(using: &g)
    var sx: [Float] = [], sy: [Float] = []
    for i in order { sx += x.scalars[i * 64 ..< (i + 1) * 64]; sy.append(y.scalars[i]) }
    return (Tensor(shape: x.shape, scalars: sx), Tensor(shape: y.shape, scalars: sy))
}
