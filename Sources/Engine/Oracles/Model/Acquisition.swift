import Foundation

/// The acquisition function the Bayesian optimizer minimizes (the objective is always minimized).
public enum Acquisition: String, Codable, Sendable {
    /// Keras Tuner's: μ − β·σ.
    case lowerConfidenceBound = "lcb"
    /// Expected improvement over the best observation, minimized as −log EI so that its tiny
    /// values far from the incumbent keep a usable gradient.
    case expectedImprovement = "ei"

    /// The value to minimize at a point with posterior `mean` and `variance`, with its partial
    /// derivatives in the mean and the variance.
    func evaluate(mean: Double, variance: Double, beta: Double, best: Double) -> (value: Double, dMean: Double, dVariance: Double) {
        let sigma = max(variance, 1e-300).squareRoot()
        switch self {
        case .lowerConfidenceBound:
            return (mean - beta * sigma, 1, -beta / (2 * sigma))
        case .expectedImprovement:
            let z = (best - mean) / sigma
            let (logH, dLogH) = Self.logH(z)
            // log EI = log σ + log h(z); z depends on μ and σ.
            let value = -(log(sigma) + logH)
            let dz_dMean = -1 / sigma
            let dz_dSigma = -z / sigma
            let dSigma = -(1 / sigma + dLogH * dz_dSigma)
            return (value, -dLogH * dz_dMean, dSigma / (2 * sigma))
        }
    }

    /// log h(z) with h(z) = z Φ(z) + φ(z), and d log h / dz = Φ(z) / h(z); accurate in the far tail.
    static func logH(_ z: Double) -> (Double, Double) {
        let logPhi = -0.5 * z * z - 0.5 * log(2 * Double.pi)
        // Direct formula down to z = −25: there z Φ(z) and φ(z) cancel to a relative ~z² ε, still
        // ~1e-13; below, the asymptotic series is accurate to 105/z⁶ < 1e-6.
        if z > -25 {
            let cdf = 0.5 * erfc(-z / 2.0.squareRoot())
            let h = z * cdf + exp(logPhi)
            let hh = max(h, 1e-300)
            return (log(hh), cdf / hh)
        }
        // h(z) = φ(z) (1/z² − 3/z⁴ + 15/z⁶ − 105/z⁸ + 945/z¹⁰ …) and Φ(z) = φ(z) R with the Mills
        // ratio R = (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ …)/|z|, for z → −∞ (next terms < 1e-10 here).
        let u = 1 / (z * z)
        let series = 1 + u * (-3 + u * (15 + u * (-105 + u * 945)))
        let mills = (1 + u * (-1 + u * (3 + u * (-15 + u * 105)))) / -z
        let logh = logPhi + log(u) + log(series)
        return (logh, mills * z * z / series)
    }
}
