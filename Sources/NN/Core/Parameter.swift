/// A trainable (or frozen) variable of a layer, with the gradient the last backward pass left in it.
/// A class so that optimizers can keep per-parameter state keyed by identity.
public final class Parameter {
    public let name: String
    public var value: Tensor
    public var gradient: Tensor
    public var trainable: Bool

    public init(name: String, value: Tensor, trainable: Bool = true) {
        self.name = name
        self.value = value
        self.gradient = Tensor(shape: value.shape)
        self.trainable = trainable
    }
}
