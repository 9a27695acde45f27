/// The did-you-mean hint appended to "unknown name" errors for losses, optimizers, metrics,
/// schedules, CSV columns and keyword arguments; the matching itself is `DidYouMean`'s, so every
/// NN error suggests names the same way.
public enum NameSuggestion {
    /// The known name closest to `name`, if close enough to be a plausible typo.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        DidYouMean.suggestion(for: name, in: candidates)
    }

    /// " (did you mean 'x'?)" or an empty string, ready to append to an error message.
    public static func hint(for name: String, in candidates: [String]) -> String {
        closest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
