/// Did-you-mean suggestions for misspelt names (losses, optimizers, metrics, arguments), so an
/// unknown name is answered with the closest known one instead of a bare "unknown".
public enum NameSuggestion {
    /// The known name closest to `name` by edit distance (case-insensitive), if close enough to
    /// be a plausible typo: at most a third of the longer name's length, and at least 1 edit.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let lowered = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let limit = max(2, max(lowered.count, best.name.count) / 3)
        return best.distance <= limit ? best.name : nil
    }

    /// " (did you mean 'x'?)" or an empty string, ready to append to an error message.
    public static func hint(for name: String, in candidates: [String]) -> String {
        closest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
