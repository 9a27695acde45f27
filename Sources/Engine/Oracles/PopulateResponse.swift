/// An oracle's answer to "what should the next trial run?" (Keras Tuner's `populate_space` dict).
public enum PopulateResponse: Sendable {
    /// Run these values.
    case running(HPValues)
    /// Nothing to run yet (waiting on other workers); ask again.
    case idle
    /// The search is over; `reason` is printed when it is not simply max_trials being reached.
    case stopped(reason: String?)
}
