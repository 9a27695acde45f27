/// The tuner engine: hyperparameters, oracles, trials, the search loop and storage.
public enum EngineInfo {
    public static let version = "0.1.0"
}
