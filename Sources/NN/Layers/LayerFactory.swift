/// Recreates layers from their saved configs (`Layer.config` + `className`), for model files.
public enum LayerFactory {
    public static let classNames = ["Dense", "Dropout", "Flatten", "Reshape", "Activation", "Conv2D",
                                    "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
                                    "BatchNormalization", "LayerNormalization"]

    public static func make(className: String, config c: LayerConfig) throws -> any Layer {
        let name = try c.read("name", className) { $0.string }
        let input = c["input_shape"]?.ints
        func int(_ k: String) throws -> Int { try c.read(k, className) { $0.int } }
        func dbl(_ k: String) throws -> Double { try c.read(k, className) { $0.double } }
        func bool(_ k: String) throws -> Bool { try c.read(k, className) { $0.bool } }
        func str(_ k: String) throws -> String { try c.read(k, className) { $0.string } }
        func ints(_ k: String) throws -> [Int] { try c.read(k, className) { $0.ints } }
        switch className {
        case "Dense":
            return try Dense(units: int("units"), activation: str("activation"), useBias: bool("use_bias"),
                             kernelInitializer: Initializer(configValue: c["kernel_initializer"], layer: className),
                             biasInitializer: Initializer(configValue: c["bias_initializer"], layer: className),
                             kernelRegularizer: Regularizer(configValue: c["kernel_regularizer"]),
                             biasRegularizer: Regularizer(configValue: c["bias_regularizer"]),
                             inputShape: input, name: name)
        case "Conv2D":
            return try Conv2D(filters: int("filters"), kernelSize: ints("kernel_size"), strides: ints("strides"),
                              padding: str("padding"), dilationRate: ints("dilation_rate"), activation: str("activation"),
                              useBias: bool("use_bias"),
                              kernelInitializer: Initializer(configValue: c["kernel_initializer"], layer: className),
                              biasInitializer: Initializer(configValue: c["bias_initializer"], layer: className),
                              kernelRegularizer: Regularizer(configValue: c["kernel_regularizer"]),
                              biasRegularizer: Regularizer(configValue: c["bias_regularizer"]),
                              inputShape: input, name: name)
        case "Dropout": return try Dropout(rate: dbl("rate"), seed: c["seed"]?.int, inputShape: input, name: name)
        case "Flatten": return Flatten(inputShape: input, name: name)
        case "Reshape": return try Reshape(targetShape: ints("target_shape"), inputShape: input, name: name)
        case "Activation": return try Activation(str("activation"), inputShape: input, name: name)
        case "MaxPooling2D", "AveragePooling2D":
            return try Pooling2D(className == "MaxPooling2D" ? .max : .average, poolSize: ints("pool_size"),
                                 strides: ints("strides"), padding: str("padding"), inputShape: input, name: name)
        case "GlobalAveragePooling2D": return GlobalAveragePooling2D(inputShape: input, name: name)
        case "BatchNormalization":
            return try BatchNormalization(momentum: dbl("momentum"), epsilon: dbl("epsilon"), center: bool("center"),
                                          scale: bool("scale"), inputShape: input, name: name)
        case "LayerNormalization":
            return try LayerNormalization(epsilon: dbl("epsilon"), center: bool("center"), scale: bool("scale"),
                                          inputShape: input, name: name)
        default:
            throw DidYouMean.unknown("layer class", className, in: classNames, owner: "load_model")
        }
    }
}
