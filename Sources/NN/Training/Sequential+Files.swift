/// `saveWeights`/`loadWeights` (see `WeightsFile`) and whole-model files (see `ModelFile`).
extension Sequential {
    /// Writes every weight to `path` (overwritten), in the format documented on `WeightsFile`.
    public func saveWeights(_ path: String) throws {
        guard isBuilt else { throw NNError(.notBuilt, "save_weights: model '\(name)' is not built yet") }
        try writeFile(path, WeightsFile.encode(parameters.map { ($0.name, $0.value) }))
    }

    /// Reads weights saved by `saveWeights` into this (built, same architecture) model.
    public func loadWeights(_ path: String) throws {
        guard isBuilt else { throw NNError(.notBuilt, "load_weights: model '\(name)' is not built yet; build it or fit it first") }
        try setWeights(WeightsFile.decode(try readFile(path)[...], what: path).map(\.1))
    }
}
