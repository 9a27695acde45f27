import Foundation

/// The draws the models need, on top of the oracle's persisted generator.
extension SeededGenerator {
    /// A uniform double in [0, 1).
    public mutating func uniform() -> Double { nextUnit() }

    /// A standard normal draw (Box–Muller; the second value of the pair is dropped so that the
    /// generator's state alone determines the stream).
    public mutating func normal() -> Double {
        var u = nextUnit()
        while u <= 0 { u = nextUnit() }
        let v = nextUnit()
        return (-2 * Foundation.log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
