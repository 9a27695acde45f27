/// "did you mean" suggestions for misspelt names (activations, initializers, layer classes).
enum DidYouMean {
    /// The closest candidate within an edit distance of about a third of the word, if any.
    static func suggestion(for word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(Array(lowered), Array(candidate.lowercased()))
            if d <= max(2, candidate.count / 3), d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// `Dense: unknown activation 'rellu' (did you mean 'relu'?)`, or the list of valid names.
    static func unknown(_ what: String, _ word: String, in candidates: [String], owner: String) -> NNError {
        if let s = suggestion(for: word, in: candidates) {
            return .argument("\(owner): unknown \(what) '\(word)' (did you mean '\(s)'?)")
        }
        return .argument("\(owner): unknown \(what) '\(word)' (expected one of \(candidates.joined(separator: ", ")))")
    }

    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1,
                                       previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
