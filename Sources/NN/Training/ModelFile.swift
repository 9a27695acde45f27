import Foundation

/// The whole-model file of `Sequential.save`/`Sequential.load` (Keras's `model.save` /
/// `keras.models.load_model`), version 1. Little-endian:
///
/// ```
/// offset 0   8 bytes  magic "TLMODEL1"
///            u32      format version (1)
///            u32      JSON length J, then J bytes of UTF-8 JSON:
///                       {"class_name": "Sequential", "name": …, "input_shape": [...] | null,
///                        "layers": [{"class_name": "Dense", "config": {…Keras argument names…}}, …],
///                        "compile": {"optimizer": "Adam", "loss": "…", "metrics": ["accuracy"],
///                                    "optimizer_config": {…} | absent, "loss_config": {…} | absent} | null}
///            …        the weights, exactly as a `WeightsFile` (with its own checksum)
/// end        u32      CRC-32 of every byte before it
/// ```
/// The compile entry records the optimizer's and the loss's class names and, when they have them,
/// their whole Keras configs (learning rate, `from_logits`, …); files written before the configs
/// were added have the names only. The caller (the Lua binding) recreates the optimizer, loss and
/// metrics from it and compiles the loaded model.
public struct ModelConfig: Codable, Equatable, Sendable {
    public struct LayerEntry: Codable, Equatable, Sendable {
        public var className: String
        public var config: LayerConfig
        enum CodingKeys: String, CodingKey { case className = "class_name", config }
    }
    public struct CompileEntry: Codable, Equatable, Sendable {
        public var optimizer: String
        public var loss: String
        public var metrics: [String]
        public var optimizerConfig: ObjectConfig?
        public var lossConfig: ObjectConfig?
        enum CodingKeys: String, CodingKey {
            case optimizer, loss, metrics, optimizerConfig = "optimizer_config", lossConfig = "loss_config"
        }
    }
    public var className = "Sequential"
    public var name: String
    public var inputShape: [Int]?
    public var layers: [LayerEntry]
    public var compile: CompileEntry?
    enum CodingKeys: String, CodingKey {
        case className = "class_name", name, inputShape = "input_shape", layers, compile
    }
}

enum ModelFile {
    static let magic = Array("TLMODEL1".utf8)
    static let version: UInt32 = 1
}

extension Sequential {
    /// Keras's `get_config()` for the whole model.
    public var modelConfig: ModelConfig {
        ModelConfig(name: name, inputShape: inputShape,
                    layers: layers.map { .init(className: $0.className, config: $0.config) },
                    compile: optimizer.flatMap { o in
                        loss.map { l in
                            .init(optimizer: o.name, loss: l.name, metrics: metrics.map(\.name),
                                  optimizerConfig: Optimizers.config(of: o), lossConfig: Losses.config(of: l))
                        }
                    })
    }

    /// Writes architecture and weights to one file (format on `ModelConfig`); overwrites `path`.
    public func save(_ path: String) throws {
        guard isBuilt else { throw NNError(.notBuilt, "save: model '\(name)' is not built yet") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = Array(try encoder.encode(modelConfig))
        var out = ModelFile.magic
        out.appendLE(ModelFile.version)
        out.appendLE(UInt32(json.count))
        out += json
        out += WeightsFile.encode(parameters.map { ($0.name, $0.value) })
        out.appendLE(WeightsFile.checksum(out[...]))
        try writeFile(path, out)
    }

    /// Reads a file written by `save`: a built model with the saved weights, not compiled (its
    /// `savedCompile` says what it was compiled with).
    public static func load(_ path: String, seed: RandomSeed? = nil, threadPool: ThreadPool? = nil) throws -> Sequential {
        let bytes = try readFile(path)
        guard bytes.count >= 20, Array(bytes.prefix(8)) == ModelFile.magic else {
            throw NNError.file("\(path): not a tunelua model file (bad magic at offset 0)")
        }
        var tail = ByteReader(bytes: bytes.suffix(4), what: path)
        guard try tail.u32() == WeightsFile.checksum(bytes.dropLast(4)) else {
            throw NNError.file("\(path): checksum mismatch (file corrupted or truncated, \(bytes.count) bytes)")
        }
        var r = ByteReader(bytes: bytes.dropLast(4), what: path, offset: 8)
        let v = try r.u32()
        guard v == ModelFile.version else { throw NNError.file("\(path): model format version \(v) is not supported (expected \(ModelFile.version))") }
        let length = Int(try r.u32())
        let json = try r.bytes(length)
        let config: ModelConfig
        do { config = try JSONDecoder().decode(ModelConfig.self, from: Data(json)) }
        catch { throw NNError.file("\(path): malformed model config JSON at offset 16") }
        let layers = try config.layers.map { try LayerFactory.make(className: $0.className, config: $0.config) }
        let model = try Sequential(layers: layers, inputShape: config.inputShape, name: config.name, seed: seed,
                                   threadPool: threadPool)
        model.savedCompile = config.compile
        let weights = try WeightsFile.decode(try r.bytes(r.bytes.count - r.offset), what: path)
        guard model.isBuilt else { throw NNError.file("\(path): saved model has no input shape") }
        try model.setWeights(weights.map(\.1))
        return model
    }
}
