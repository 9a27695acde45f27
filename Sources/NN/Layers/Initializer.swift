/// Keras's weight initializers by name, with Keras 3's defaults (the `_normal` variance-scaling
/// ones draw from a normal truncated at two standard deviations, corrected as Keras does).
public enum Initializer: Sendable, Equatable {
    case zeros, ones
    case glorotUniform, glorotNormal, heUniform, heNormal, lecunUniform, lecunNormal
    case randomNormal(mean: Float = 0, stddev: Float = 0.05)
    case randomUniform(minval: Float = -0.05, maxval: Float = 0.05)
    case constant(Float)

    public static let names = ["zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                               "lecun_uniform", "lecun_normal", "random_normal", "random_uniform"]

    public init(name: String, layer: String) throws {
        switch name {
        case "zeros", "Zeros": self = .zeros
        case "ones", "Ones": self = .ones
        case "glorot_uniform", "GlorotUniform": self = .glorotUniform
        case "glorot_normal", "GlorotNormal": self = .glorotNormal
        case "he_uniform", "HeUniform": self = .heUniform
        case "he_normal", "HeNormal": self = .heNormal
        case "lecun_uniform", "LecunUniform": self = .lecunUniform
        case "lecun_normal", "LecunNormal": self = .lecunNormal
        case "random_normal", "RandomNormal": self = .randomNormal()
        case "random_uniform", "RandomUniform": self = .randomUniform()
        default: throw DidYouMean.unknown("initializer", name, in: Self.names, owner: layer)
        }
    }

    /// The name written into configs (parameters of random_* and constant are kept too).
    public var configValue: ConfigValue {
        switch self {
        case .zeros: .string("zeros")
        case .ones: .string("ones")
        case .glorotUniform: .string("glorot_uniform")
        case .glorotNormal: .string("glorot_normal")
        case .heUniform: .string("he_uniform")
        case .heNormal: .string("he_normal")
        case .lecunUniform: .string("lecun_uniform")
        case .lecunNormal: .string("lecun_normal")
        case .randomNormal(let m, let s): .string("random_normal:\(m):\(s)")
        case .randomUniform(let a, let b): .string("random_uniform:\(a):\(b)")
        case .constant(let v): .string("constant:\(v)")
        }
    }

    init(configValue: ConfigValue?, layer: String) throws {
        guard let s = configValue?.string else { throw NNError.file("\(layer): bad initializer in config") }
        let parts = s.split(separator: ":").map(String.init)
        let nums = parts.dropFirst().compactMap(Float.init)
        switch parts[0] {
        case "random_normal" where nums.count == 2: self = .randomNormal(mean: nums[0], stddev: nums[1])
        case "random_uniform" where nums.count == 2: self = .randomUniform(minval: nums[0], maxval: nums[1])
        case "constant" where nums.count == 1: self = .constant(nums[0])
        default: try self.init(name: parts[0], layer: layer)
        }
    }

    /// A tensor of `shape`; fans as Keras computes them (kernel of rank ≥ 2: receptive field × in/out).
    func make(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let count = shape.reduce(1, *)
        var fanIn = Double(count), fanOut = Double(count)
        if shape.count >= 2 {
            let receptive = Double(shape.dropLast(2).reduce(1, *))
            fanIn = Double(shape[shape.count - 2]) * receptive
            fanOut = Double(shape[shape.count - 1]) * receptive
        } else if shape.count == 1 {
            fanIn = Double(shape[0]); fanOut = fanIn
        }
        var values = [Float](repeating: 0, count: count)
        func uniform(_ lo: Double, _ hi: Double) {
            for i in 0..<count { values[i] = Float(lo + (hi - lo) * generator.nextUnitDouble()) }
        }
        func truncated(_ stddev: Double) {
            for i in 0..<count {
                var z = generator.nextNormal()
                while abs(z) > 2 { z = generator.nextNormal() }
                values[i] = Float(z * stddev)
            }
        }
        // Keras's VarianceScaling: the truncated normal's stddev is divided by 0.8796… so that
        // the truncated draw has the intended variance.
        func scaling(_ scale: Double, _ n: Double, normal: Bool) {
            let n = max(1, n)
            if normal { truncated((scale / n).squareRoot() / 0.87962566103423978) }
            else { let limit = (3 * scale / n).squareRoot(); uniform(-limit, limit) }
        }
        switch self {
        case .zeros: break
        case .ones: values = [Float](repeating: 1, count: count)
        case .constant(let v): values = [Float](repeating: v, count: count)
        case .glorotUniform: scaling(1, (fanIn + fanOut) / 2, normal: false)
        case .glorotNormal: scaling(1, (fanIn + fanOut) / 2, normal: true)
        case .heUniform: scaling(2, fanIn, normal: false)
        case .heNormal: scaling(2, fanIn, normal: true)
        case .lecunUniform: scaling(1, fanIn, normal: false)
        case .lecunNormal: scaling(1, fanIn, normal: true)
        case .randomNormal(let mean, let stddev):
            for i in 0..<count { values[i] = mean + stddev * Float(generator.nextNormal()) }
        case .randomUniform(let lo, let hi): uniform(Double(lo), Double(hi))
        }
        return Tensor(shape: shape, scalars: values)
    }
}
