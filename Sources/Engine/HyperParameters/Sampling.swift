/// How a numeric hyperparameter maps a cumulative probability in [0, 1) onto its range.
public enum Sampling: String, Sendable, CaseIterable {
    case linear
    case log
    case reverseLog = "reverse_log"

    /// Parses Keras Tuner's spelling, case-insensitively (`nil` means linear, as in Keras Tuner).
    public init(parsing text: String?, function: String, name: String) throws {
        guard let text else { self = .linear; return }
        guard let s = Sampling(rawValue: text.lowercased()) else {
            throw EngineError.invalid(
                "\(function)(name='\(name)'): sampling must be one of 'linear', 'log', 'reverse_log', got '\(text)'")
        }
        self = s
    }
}
