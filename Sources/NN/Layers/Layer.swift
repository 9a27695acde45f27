/// A layer of a `Sequential` model, shaped after Keras's `keras.layers.Layer`.
///
/// The model owns the activation buffers and hands them to the layer: `forward` writes the output
/// into a buffer it is given (reused batch after batch, so nothing is allocated in the steady
/// state), and `backward` receives the same input and output back. Shapes are per sample (without
/// the batch dimension), as Keras's `input_shape`.
public protocol Layer: AnyObject {
    /// Keras's layer name (`dense`, `dense_1`, …), unique per class prefix unless given.
    var name: String { get set }
    /// Keras's class name (`Dense`), used in `summary` and the saved config.
    var className: String { get }
    /// The `input_shape` argument, when the layer was given one (a first layer's way to build the model).
    var declaredInputShape: [Int]? { get }
    /// Weights in Keras's order (kernel then bias; BatchNormalization: gamma, beta, moving mean, moving variance).
    var parameters: [Parameter] { get }
    /// The per-sample output shape; valid after `build`.
    var outputShape: [Int] { get }
    var isBuilt: Bool { get }

    /// Creates the weights for `inputShape` and returns the output shape; throws `NNError` when
    /// the shape is not one this layer accepts (the model adds both layers' names).
    func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int]

    /// Writes the layer's output for a batch into `output` (resized as needed).
    func forward(_ input: Tensor, into output: inout Tensor, training: Bool)

    /// From dLoss/dOutput, sets every parameter's `gradient` and, when `computeInputGradient`,
    /// writes dLoss/dInput into `inputGradient`.
    func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                  inputGradient: inout Tensor, computeInputGradient: Bool)

    /// Keras's `get_config()`: the constructor arguments that recreate the layer.
    var config: LayerConfig { get }

    /// The regularization penalty added to the loss; when `addGradients`, also adds its gradient
    /// to the parameters' `gradient` (called after `backward`).
    func regularizationLoss(addGradients: Bool) -> Float

    /// Hands the layer the threads its model trains on; layers that split their work keep it
    /// (standalone, they use a pool of their own with every core).
    func use(_ pool: ThreadPool)
}

extension Layer {
    public var declaredInputShape: [Int]? { nil }
    public var parameters: [Parameter] { [] }
    public func regularizationLoss(addGradients: Bool) -> Float { 0 }
    public func use(_ pool: ThreadPool) {}
}

/// Copies a tensor's scalars into a reusable output buffer with a new shape.
@inline(__always)
func copyScalars(_ input: Tensor, into output: inout Tensor, shape: [Int]) {
    output.resize(to: shape)
    input.scalars.withUnsafeBufferPointer { src in
        output.scalars.withUnsafeMutableBufferPointer { dst in
            dst.baseAddress!.update(from: src.baseAddress!, count: src.count)
        }
    }
}

/// `copyScalars` into shape `[rows] + sampleShape`, without allocating that shape batch after batch.
@inline(__always)
func copyScalars(_ input: Tensor, into output: inout Tensor, rows: Int, sampleShape: [Int]) {
    output.resize(rows: rows, sampleShape: sampleShape)
    input.scalars.withUnsafeBufferPointer { src in
        output.scalars.withUnsafeMutableBufferPointer { dst in
            dst.baseAddress!.update(from: src.baseAddress!, count: src.count)
        }
    }
}

/// Validates a positive integer argument.
func positive(_ value: Int, _ argument: String, _ layer: String) throws -> Int {
    guard value > 0 else { throw NNError.argument("\(layer): \(argument) must be a positive integer, got \(value)") }
    return value
}

/// Keras's `padding` argument.
public enum Padding: String, Sendable, CaseIterable {
    case valid, same
    public init(name: String, layer: String) throws {
        guard let p = Padding(rawValue: name.lowercased()) else {
            throw DidYouMean.unknown("padding", name, in: Padding.allCases.map(\.rawValue), owner: layer)
        }
        self = p
    }
}
