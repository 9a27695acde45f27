/// Shape checks a loss can run once over a whole data set before training, because the
/// per-batch `loss` calls cannot throw (they return NaN on data that does not fit).
extension Loss {
    /// The default: targets hold one value per prediction scalar (a target of shape `(N)` fits a
    /// prediction of shape `(N, 1)`, as Keras squeezes and expands ranks).
    public func validate(predictionShape: [Int], target: Tensor) throws(LossError) {
        try LossShapes.checkElementwise(name: name, predictionShape: predictionShape, targetShape: target.shape)
    }
}

/// Shape rules shared by the losses.
enum LossShapes {
    static func checkElementwise(name: String, predictionShape: [Int], targetShape: [Int]) throws(LossError) {
        let predictionCount = predictionShape.reduce(1, *)
        let targetCount = targetShape.reduce(1, *)
        guard predictionShape.first == targetShape.first, predictionCount == targetCount else {
            throw LossError(name, "target shape \(targetShape) does not match prediction shape \(predictionShape)")
        }
    }

    /// Pairs targets and predictions element by element when the counts agree.
    static func fits(_ prediction: Tensor, _ target: Tensor) -> Bool {
        prediction.count == target.count
    }

    /// The pointer plumbing of an element-wise loss: `mean(p, t, g)` returns the mean loss over
    /// the paired scalars and, when `g` is given, writes d(mean)/d(p) into it. NaN when the
    /// tensors do not pair up or are empty.
    typealias ElementwiseMean = (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>,
                                 UnsafeMutableBufferPointer<Float>?) -> Float

    static func elementwise(_ prediction: Tensor, _ target: Tensor, gradient: inout Tensor,
                            _ mean: ElementwiseMean) -> Float {
        gradient.resize(to: prediction.shape)
        guard fits(prediction, target), prediction.count > 0 else { return .nan }
        return prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in
                gradient.scalars.withUnsafeMutableBufferPointer { g in mean(p, t, g) }
            }
        }
    }

    static func elementwise(_ prediction: Tensor, _ target: Tensor, _ mean: ElementwiseMean) -> Float {
        guard fits(prediction, target), prediction.count > 0 else { return .nan }
        return prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in mean(p, t, nil) }
        }
    }
}
