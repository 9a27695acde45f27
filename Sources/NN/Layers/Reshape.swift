/// Keras's `Reshape`: a new per-sample shape (`target_shape`, one entry may be -1).
public final class Reshape: Layer {
    public var name: String
    public let className = "Reshape"
    public let targetShape: [Int]
    public let declaredInputShape: [Int]?
    public private(set) var outputShape: [Int] = []
    public private(set) var isBuilt = false

    public init(targetShape: [Int], inputShape: [Int]? = nil, name: String? = nil) throws {
        guard targetShape.filter({ $0 == -1 }).count <= 1, targetShape.allSatisfy({ $0 > 0 || $0 == -1 }) else {
            throw NNError.argument("Reshape: target_shape must be positive sizes with at most one -1, got \(targetShape)")
        }
        self.targetShape = targetShape
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("reshape")
    }

    public var config: LayerConfig {
        ["name": .string(name), "target_shape": .ints(targetShape),
         "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        guard let total = ShapeArithmetic.count(inputShape),
              let known = ShapeArithmetic.count(targetShape.filter { $0 != -1 }) else {
            throw NNError.shape("Reshape '\(name)': input \(formatShape(inputShape)) or target_shape \(formatShape(targetShape)) has too many values per sample")
        }
        var shape = targetShape
        if let i = shape.firstIndex(of: -1), known > 0, total % known == 0 { shape[i] = total / known }
        guard !shape.contains(-1), ShapeArithmetic.count(shape) == total else {
            throw NNError.shape("Reshape '\(name)': cannot reshape input \(formatShape(inputShape)) (\(total) values per sample) to target_shape \(formatShape(targetShape))")
        }
        outputShape = shape
        isBuilt = true
        return shape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        copyScalars(input, into: &output, shape: [input.rows] + outputShape)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        if computeInputGradient { copyScalars(outputGradient, into: &inputGradient, shape: input.shape) }
    }
}
