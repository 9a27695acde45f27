/// Keras's `GlobalAveragePooling2D` (keepdims false): the mean over height and width per channel.
public final class GlobalAveragePooling2D: Layer {
    public var name: String
    public let className = "GlobalAveragePooling2D"
    public let declaredInputShape: [Int]?
    public private(set) var outputShape: [Int] = []
    public private(set) var isBuilt = false
    private var pixels = 0

    public init(inputShape: [Int]? = nil, name: String? = nil) {
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("global_average_pooling2d")
    }

    public var config: LayerConfig {
        ["name": .string(name), "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw NNError.shape("GlobalAveragePooling2D '\(name)' expects input of rank 4 (batch, height, width, channels), got \(formatShape(inputShape))")
        }
        pixels = inputShape[0] * inputShape[1]
        outputShape = [inputShape[2]]
        isBuilt = true
        return outputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        let c = outputShape[0], p = pixels
        output.resize(to: [input.rows, c])
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for n in 0..<input.rows {
                    let out = y.baseAddress! + n * c
                    for j in 0..<c { out[j] = 0 }
                    for i in 0..<p {
                        let row = x.baseAddress! + (n * p + i) * c
                        for j in 0..<c { out[j] += row[j] }
                    }
                    let inv = 1 / Float(p)
                    for j in 0..<c { out[j] *= inv }
                }
            }
        }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        let c = outputShape[0], p = pixels, inv = 1 / Float(pixels)
        inputGradient.resize(to: input.shape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                for n in 0..<input.rows {
                    for i in 0..<p {
                        let row = dx.baseAddress! + (n * p + i) * c
                        for j in 0..<c { row[j] = dy[n * c + j] * inv }
                    }
                }
            }
        }
    }
}
