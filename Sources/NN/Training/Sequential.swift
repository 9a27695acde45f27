import Foundation

/// Keras's `keras.Sequential`: a stack of layers, each fed the previous one's output.
///
/// The model is built (weights created) as soon as the input shape is known: from `inputShape`
/// (Keras's `keras.Input`), from the first layer's `input_shape`, or at the first `fit`/`predict`.
/// Shapes that don't fit fail at that point with an error naming both layers and both shapes.
public final class Sequential {
    public var name: String
    public private(set) var layers: [any Layer] = []
    /// The per-sample input shape, once known.
    public private(set) var inputShape: [Int]?
    public private(set) var isBuilt = false

    public private(set) var optimizer: (any Optimizer)?
    public private(set) var loss: (any Loss)?
    public private(set) var metrics: [any Metric] = []

    /// Keras's `model.stop_training`: a callback sets it to end `fit` after the current batch/epoch.
    public var stopTraining = false
    /// Where progress bars and callback messages go (stdout by default). The Lua side points it
    /// at its own console.
    public var output: (String) -> Void = { text in
        FileHandle.standardOutput.write(text.data(using: .utf8)!)
    }
    /// Checked between batches; when set, `fit`, `evaluate` and `predict` throw `NNError.cancelled`.
    public var cancellation: CancellationFlag?

    /// What a model loaded by `Sequential.load` was compiled with when saved.
    public internal(set) var savedCompile: ModelConfig.CompileEntry?

    /// The threads `fit`, `evaluate` and `predict` run on; owned by whoever made the model (a Lua
    /// state shares one among its models), so each training's thread count is its owner's choice.
    public var threadPool: ThreadPool

    var pendingMetricNames: [String] = []
    var generator: RandomGenerator
    /// activations[i] is layer i's input; activations[n] the model's output. Reused across batches.
    var activations: [TensorSlot] = []
    /// gradients[i] is dLoss/d(activations[i]).
    var gradients: [TensorSlot] = []
    var targetBatch = Tensor(shape: [0])

    /// - Parameters:
    ///   - layers: initial layers (Keras's `Sequential([...])`).
    ///   - inputShape: per-sample input shape, as `keras.Input(shape=...)` first in the list.
    ///   - seed: the stream the model draws its random numbers from (a fresh unseeded one if nil).
    ///   - threadPool: the threads training runs on (a new pool with every core if nil).
    public init(layers: [any Layer] = [], inputShape: [Int]? = nil, name: String? = nil, seed: RandomSeed? = nil,
                threadPool: ThreadPool? = nil) throws {
        self.name = name ?? LayerNames.unique("sequential")
        self.threadPool = threadPool ?? ThreadPool()
        self.generator = (seed ?? RandomSeed()).makeGenerator()
        self.inputShape = inputShape
        for layer in layers { try add(layer) }
        if !isBuilt, let inputShape, !layers.isEmpty { try build(inputShape: inputShape) }
    }

    func emit(_ text: String) { output(text) }

    /// Appends a layer, building it right away when the model's input shape is known.
    public func add(_ layer: any Layer) throws {
        if layers.contains(where: { $0 === layer }) {
            throw NNError.argument("Sequential.add: layer '\(layer.name)' is already in model '\(name)'")
        }
        if layers.isEmpty, inputShape == nil, let declared = layer.declaredInputShape { inputShape = declared }
        layers.append(layer)
        if isBuilt {
            // Built from an input shape alone (keras.Input first): the first layer takes that shape.
            let previous = layers.count >= 2 ? layers[layers.count - 2] : nil
            do {
                try buildLayer(layer, after: previous, inputShape: previous?.outputShape ?? inputShape ?? [])
            } catch {
                layers.removeLast()
                throw error
            }
            activations.append(TensorSlot()); gradients.append(TensorSlot())
        } else if let inputShape {
            try build(inputShape: inputShape)
        }
    }

    /// Removes the last layer (Keras's `pop`).
    public func pop() throws {
        guard !layers.isEmpty else { throw NNError.argument("Sequential.pop: model '\(name)' has no layers") }
        layers.removeLast()
        if isBuilt { activations.removeLast(); gradients.removeLast() }
    }

    /// Creates every layer's weights for a per-sample `inputShape`.
    public func build(inputShape: [Int]) throws {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw NNError.shape("Sequential '\(name)': input shape must be positive sizes, got \(inputShape)")
        }
        var shape = inputShape
        var previous: (any Layer)?
        for layer in layers {
            shape = try buildLayer(layer, after: previous, inputShape: shape)
            previous = layer
        }
        self.inputShape = inputShape
        isBuilt = true
        activations = (0...layers.count).map { _ in TensorSlot() }
        gradients = (0...layers.count).map { _ in TensorSlot() }
    }

    @discardableResult
    private func buildLayer(_ layer: any Layer, after previous: (any Layer)?, inputShape: [Int]) throws -> [Int] {
        do {
            return try layer.build(inputShape: inputShape, generator: &generator)
        } catch let error as NNError where error.kind == .shapeMismatch {
            let source = previous.map { "the output of layer '\($0.name)' (\($0.className)), shape \(formatShape(inputShape))" }
                ?? "the model input, shape \(formatShape(inputShape))"
            throw NNError.shape("Layer '\(layer.name)' (\(layer.className)) cannot take \(source): \(error.message)")
        }
    }

    /// The per-sample output shape (after build).
    public var outputShape: [Int]? { isBuilt ? (layers.last?.outputShape ?? inputShape) : nil }

    /// Keras's `compile`. Metrics keep their own names as log keys (`accuracy`, `mae`, …).
    /// `metricNames` are Keras identifiers (`"accuracy"`, `"mae"`, `"auc"`) resolved, as Keras 3
    /// does, from the shapes of the targets and predictions at the first `fit`/`evaluate`.
    public func compile(optimizer: any Optimizer, loss: any Loss, metrics: [any Metric] = [],
                        metricNames: [String] = []) {
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.pendingMetricNames = metricNames
    }

    /// Resolves `metricNames` given at `compile` once targets are seen.
    func resolveMetrics(targetShape: [Int]) throws {
        guard !pendingMetricNames.isEmpty, let out = outputShape else { return }
        for identifier in pendingMetricNames {
            metrics.append(try Metrics.named(identifier, targetShape: targetShape, predictionShape: [targetShape.first ?? 0] + out))
        }
        pendingMetricNames = []
    }

    /// Every parameter, in layer order (Keras's `model.weights`).
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var trainableParameters: [Parameter] { parameters.filter(\.trainable) }

    /// Keras's `count_params()`.
    public func countParams() throws -> Int {
        guard isBuilt else {
            throw NNError(.notBuilt, "Sequential '\(name)': count_params needs a built model; give an input shape or call fit first")
        }
        return parameters.reduce(0) { $0 + $1.value.count }
    }

    /// Keras's `get_weights()`: copies of every parameter, in order.
    public func getWeights() -> [Tensor] { parameters.map(\.value) }

    /// Keras's `set_weights()`: same count and shapes as `getWeights()`.
    public func setWeights(_ weights: [Tensor]) throws {
        let params = parameters
        guard weights.count == params.count else {
            throw NNError.shape("set_weights: model '\(name)' has \(params.count) weights, got \(weights.count)")
        }
        for (p, w) in zip(params, weights) where p.value.shape != w.shape {
            throw NNError.shape("set_weights: weight '\(p.name)' has shape \(p.value.shape), got \(w.shape)")
        }
        for (p, w) in zip(params, weights) { p.value = w }
    }
}

/// A reference cell for a reusable activation buffer, so the model can hand one buffer to a layer
/// as input and another as inout output without overlapping access.
final class TensorSlot {
    var tensor = Tensor(shape: [0])
}
