import Foundation
import NN

// Stand-ins for Adam and sparse categorical crossentropy until the `nnparts` branch (which owns
// Sources/NN/Losses and Optimizers) is merged; written for speed so the figures are fair.

final class BenchAdam: Optimizer {
    let name = "Adam"
    var learningRate: LearningRate
    private(set) var iterations = 0
    private var moments: [ObjectIdentifier: ([Float], [Float])] = [:]

    init(learningRate: Float = 0.001) { self.learningRate = .constant(learningRate) }

    func apply(to parameters: [Parameter]) {
        let t = Float(iterations + 1)
        let lr = learningRate.value(atStep: iterations)
        let alpha = lr * (1 - powf(0.999, t)).squareRoot() / (1 - powf(0.9, t))
        for p in parameters {
            let id = ObjectIdentifier(p)
            var (m, v) = moments.removeValue(forKey: id)
                ?? ([Float](repeating: 0, count: p.value.count), [Float](repeating: 0, count: p.value.count))
            p.gradient.scalars.withUnsafeBufferPointer { g in
                p.value.scalars.withUnsafeMutableBufferPointer { w in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            for i in 0..<w.count {
                                m[i] = 0.9 * m[i] + 0.1 * g[i]
                                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                                w[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
                            }
                        }
                    }
                }
            }
            moments[id] = (m, v)
        }
        iterations += 1
    }
}

struct BenchSparseCE: Loss {
    let name = "sparse_categorical_crossentropy"
    func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        gradient.resize(to: prediction.shape)
        return compute(prediction, target, &gradient, withGradient: true)
    }
    func loss(prediction: Tensor, target: Tensor) -> Float {
        var g = Tensor(shape: [0])
        return compute(prediction, target, &g, withGradient: false)
    }
    private func compute(_ p: Tensor, _ t: Tensor, _ gradient: inout Tensor, withGradient: Bool) -> Float {
        let k = p.rowSize, b = p.rows
        var total: Double = 0
        p.scalars.withUnsafeBufferPointer { z in
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                for r in 0..<b {
                    let row = z.baseAddress! + r * k
                    var m = -Float.infinity
                    for j in 0..<k { m = max(m, row[j]) }
                    var s: Float = 0
                    for j in 0..<k { s += expf(row[j] - m) }
                    let label = Int(t.scalars[r])
                    total += Double(logf(s) + m - row[label])
                    if withGradient {
                        let inv = 1 / (s * Float(b))
                        for j in 0..<k { g[r * k + j] = expf(row[j] - m) * inv }
                        g[r * k + label] -= 1 / Float(b)
                    }
                }
            }
        }
        return Float(total / Double(b))
    }
}

final class BenchAccuracy: Metric {
    let name = "accuracy"
    private var correct = 0, total = 0
    func reset() { correct = 0; total = 0 }
    func update(prediction: Tensor, target: Tensor) {
        let k = prediction.rowSize
        prediction.scalars.withUnsafeBufferPointer { z in
            for r in 0..<prediction.rows {
                var best = 0
                for j in 1..<k where z[r * k + j] > z[r * k + best] { best = j }
                if best == Int(target.scalars[r]) { correct += 1 }
                total += 1
            }
        }
    }
    func result() -> Double { total == 0 ? 0 : Double(correct) / Double(total) }
}
