/// Weights as bytes in memory, in `WeightsFile`'s format: how the tuner stores each trial's
/// best-epoch checkpoint inside the project database instead of beside it.
extension Sequential {
    public func weightsData() throws -> [UInt8] {
        guard isBuilt else { throw NNError(.notBuilt, "save_weights: model '\(name)' is not built yet") }
        return WeightsFile.encode(parameters.map { ($0.name, $0.value) })
    }

    public func loadWeights(data: [UInt8], what: String) throws {
        guard isBuilt else { throw NNError(.notBuilt, "load_weights: model '\(name)' is not built yet") }
        try setWeights(WeightsFile.decode(data[...], what: what).map(\.1))
    }
}
