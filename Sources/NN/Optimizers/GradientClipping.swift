import Foundation

/// Keras 3's gradient clipping, applied to the gradients before every update. At most one of
/// `clipnorm` (each variable's gradient to that L2 norm), `global_clipnorm` (all gradients
/// together to that norm) and `clipvalue` (each scalar to ±value) can be set, as in Keras.
public enum GradientClipping: Sendable, Equatable {
    case none
    case norm(Float)
    case globalNorm(Float)
    case value(Float)

    /// Builds the clipping from Keras's three optional keywords.
    /// - Throws: `OptimizerError` when more than one is set or one is not a positive number.
    public init(clipnorm: Float?, clipvalue: Float?, globalClipnorm: Float?, optimizer: String) throws(OptimizerError) {
        let given = [clipnorm, clipvalue, globalClipnorm].compactMap { $0 }
        if given.count > 1 {
            throw OptimizerError(optimizer, "only one of clipnorm, clipvalue and global_clipnorm can be set (got clipnorm=\(clipnorm.map { "\($0)" } ?? "nil"), clipvalue=\(clipvalue.map { "\($0)" } ?? "nil"), global_clipnorm=\(globalClipnorm.map { "\($0)" } ?? "nil"))")
        }
        for (name, value) in [("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", globalClipnorm)] {
            if let value, !(value.isFinite && value > 0) {
                throw OptimizerError(optimizer, "\(name) must be a positive number, got \(value)")
            }
        }
        if let clipnorm { self = .norm(clipnorm) }
        else if let clipvalue { self = .value(clipvalue) }
        else if let globalClipnorm { self = .globalNorm(globalClipnorm) }
        else { self = .none }
    }

    var clipnorm: Float? { if case .norm(let v) = self { v } else { nil } }
    var clipvalue: Float? { if case .value(let v) = self { v } else { nil } }
    var globalClipnorm: Float? { if case .globalNorm(let v) = self { v } else { nil } }

    /// Keras's `clip_by_global_norm` factor: `clip · min(1/‖g‖, 1/clip)`, NaN when the norm is not finite.
    static func globalScale(norm: Double, clip: Float) -> Float {
        let clip = Double(clip)
        return Float(clip * min(1 / norm, 1 / clip) + (norm - norm))
    }
}
