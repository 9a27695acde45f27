/// The user's hypermodel as the engine drives it (Keras Tuner's `HyperModel`: `declare_hyperparameters`,
/// `build`, `fit`). The Lua bridge adapts a Lua hypermodel to it; tests use Swift ones.
public protocol Hypermodel: AnyObject {
    /// Declares hyperparameters before the first build, so they are in the space from the start.
    func declareHyperparameters(_ hp: HyperParameters) throws
    /// Builds a model for `hp`. A result that is not a model is a `FatalError` (Keras Tuner's
    /// `FatalTypeError`): no configuration can make such a build work.
    func build(_ hp: HyperParameters) throws -> any TunableModel
    /// Recompiles `model` with the tuner's `optimizer`, `loss` and `metrics` (each one given
    /// replaces the model's own; the rest are kept, as Keras Tuner's `_override_compile_args`).
    func overrideCompile(_ model: any TunableModel) throws
    /// Trains `model` with the search's arguments, as `HyperModel.fit(hp, model, …)`, after
    /// applying `plan` (Hyperband's epoch range) and reporting every epoch to `observer`.
    func fit(_ hp: HyperParameters, model: any TunableModel, plan: FitPlan, observer: any FitObserver) throws -> TrialResult
}

/// A model the hypermodel built, as far as the engine needs to see it.
public protocol TunableModel: AnyObject {
    /// Trainable parameters, or nil while the model is not built (its input shape not yet known).
    var trainableParameterCount: Int? { get }
    /// The weights, serialized (what checkpoints store).
    func weightsData() throws -> [UInt8]
    /// Loads serialized weights; `origin` names them in errors ("trial 03's checkpoint").
    func loadWeights(_ data: [UInt8], origin: String) throws
    /// Keras's `model.stop_training = True`: `fit` ends after the current epoch.
    func stopTraining()
}

/// What the engine decides about one `fit` call: Hyperband's rounds train a continued trial from
/// `initialEpoch` to `epochs` (nil leaves the search's own arguments as they are).
public struct FitPlan: Equatable, Sendable {
    public var epochs: Int?
    public var initialEpoch: Int?
    public init(epochs: Int? = nil, initialEpoch: Int? = nil) {
        self.epochs = epochs
        self.initialEpoch = initialEpoch
    }
}

/// Told of training progress by the hypermodel's `fit` (Keras Tuner's `TunerCallback`).
public protocol FitObserver: AnyObject {
    /// Whether batch events are wanted (calling user code per batch costs; only when overridden).
    var observesBatches: Bool { get }
    func epochBegan(_ epoch: Int, model: any TunableModel, logs: [String: Double]) throws
    func epochEnded(_ epoch: Int, model: any TunableModel, logs: [String: Double]) throws
    func batchBegan(_ batch: Int, model: any TunableModel, logs: [String: Double]) throws
    func batchEnded(_ batch: Int, model: any TunableModel, logs: [String: Double]) throws
}
