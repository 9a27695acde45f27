/// Keras's `l1`, `l2` and `l1_l2` weight regularizers (Keras 3 defaults: 0.01 each), whose
/// penalty is added to the loss.
public struct Regularizer: Sendable, Equatable {
    public var l1: Float
    public var l2: Float

    public init(l1: Float = 0, l2: Float = 0) {
        self.l1 = l1
        self.l2 = l2
    }

    /// `"l1"`, `"l2"`, `"l1_l2"` with Keras's default factor 0.01.
    public init(name: String, layer: String) throws {
        switch name {
        case "l1", "L1": self.init(l1: 0.01)
        case "l2", "L2": self.init(l2: 0.01)
        case "l1_l2", "L1L2": self.init(l1: 0.01, l2: 0.01)
        default: throw DidYouMean.unknown("regularizer", name, in: ["l1", "l2", "l1_l2"], owner: layer)
        }
    }

    var configValue: ConfigValue { .string("l1_l2:\(l1):\(l2)") }

    init?(configValue: ConfigValue?) {
        guard let s = configValue?.string else { return nil }
        let p = s.split(separator: ":").compactMap { Float($0) }
        guard p.count == 2 else { return nil }
        self.init(l1: p[0], l2: p[1])
    }

    /// The penalty on `parameter`; adds its gradient when asked.
    func apply(to parameter: Parameter, addGradient: Bool) -> Float {
        var penalty: Float = 0
        let (l1, l2) = (self.l1, self.l2)
        parameter.value.scalars.withUnsafeBufferPointer { w in
            for v in w { penalty += l1 * abs(v) + l2 * v * v }
            if addGradient {
                parameter.gradient.scalars.withUnsafeMutableBufferPointer { g in
                    for i in 0..<w.count {
                        let sign: Float = w[i] > 0 ? 1 : (w[i] < 0 ? -1 : 0)
                        g[i] += l1 * sign + 2 * l2 * w[i]
                    }
                }
            }
        }
        return penalty
    }
}
