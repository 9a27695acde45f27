@testable import NN

/// Central finite differences of a loss, in the loss's own float32 arithmetic, to check analytic
/// gradients. Returns the largest absolute difference between the two gradients.
func maxGradientError(_ loss: any Loss, prediction: Tensor, target: Tensor, step: Float = 1e-3) -> Float {
    var analytic = Tensor(shape: [0])
    _ = loss.loss(prediction: prediction, target: target, gradient: &analytic)
    var worst: Float = 0
    for i in 0..<prediction.count {
        var plus = prediction, minus = prediction
        plus.scalars[i] += step
        minus.scalars[i] -= step
        let numeric = (loss.loss(prediction: plus, target: target) - loss.loss(prediction: minus, target: target)) / (2 * step)
        worst = max(worst, abs(numeric - analytic.scalars[i]))
    }
    return worst
}

func isClose(_ a: Float, _ b: Double, tolerance: Double = 1e-5) -> Bool {
    abs(Double(a) - b) <= tolerance * max(1, abs(b))
}
