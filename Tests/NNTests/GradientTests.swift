import Testing
@testable import NN

/// Checks a layer's backward pass against central finite differences of
/// L = sum(output ⊙ weights), accumulated in Double.
func checkGradients(_ layer: any Layer, inputShape: [Int], batch: Int = 3, seed: UInt64 = 7,
                    tolerance: Double = 2e-2, inputScale: Float = 1) throws {
    var g = RandomGenerator(seed: seed)
    _ = try layer.build(inputShape: inputShape, generator: &g)
    var x = randomTensor([batch] + inputShape, seed: seed + 1, scale: inputScale)
    var y = Tensor(shape: [0])
    layer.forward(x, into: &y, training: true)
    let w = randomTensor(y.shape, seed: seed + 2)

    func objective(_ input: Tensor) -> Double {
        var out = Tensor(shape: [0])
        layer.forward(input, into: &out, training: true)
        return zip(out.scalars, w.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    // Analytic gradients from one forward/backward.
    layer.forward(x, into: &y, training: true)
    var dx = Tensor(shape: [0])
    layer.backward(input: x, output: y, outputGradient: w, inputGradient: &dx, computeInputGradient: true)
    let analyticInput = dx
    let analyticParams = layer.parameters.filter(\.trainable).map(\.gradient)

    let eps: Float = 1e-2
    func compare(_ numeric: Double, _ analytic: Float, _ what: String) {
        let diff = abs(numeric - Double(analytic))
        let scale = max(1, abs(numeric), abs(Double(analytic)))
        #expect(diff / scale < tolerance, "\(layer.className) \(what): numeric \(numeric) vs analytic \(analytic)")
    }
    for i in 0..<x.count {
        let original = x.scalars[i]
        x.scalars[i] = original + eps; let plus = objective(x)
        x.scalars[i] = original - eps; let minus = objective(x)
        x.scalars[i] = original
        compare((plus - minus) / Double(2 * eps), analyticInput.scalars[i], "d/dx[\(i)]")
    }
    for (p, analytic) in zip(layer.parameters.filter(\.trainable), analyticParams) {
        for i in 0..<p.value.count {
            let original = p.value.scalars[i]
            p.value.scalars[i] = original + eps; let plus = objective(x)
            p.value.scalars[i] = original - eps; let minus = objective(x)
            p.value.scalars[i] = original
            compare((plus - minus) / Double(2 * eps), analytic.scalars[i], "\(p.name)[\(i)]")
        }
    }
}

struct GradientTests {
    @Test(arguments: ActivationFunction.allCases)
    func denseGradientsMatchFiniteDifferences(activation: ActivationFunction) throws {
        try checkGradients(Dense(units: 4, activation: activation.rawValue), inputShape: [5])
    }

    @Test(arguments: ActivationFunction.allCases)
    func activationLayerGradientsMatchFiniteDifferences(activation: ActivationFunction) throws {
        // Shift inputs away from relu-like kinks at 0 by using a seed whose values avoid |x| < eps.
        try checkGradients(Activation(activation.rawValue), inputShape: [6], seed: 11)
    }

    @Test func denseOnRank3InputAppliesToLastAxis() throws {
        try checkGradients(Dense(units: 3, activation: "tanh"), inputShape: [2, 4])
    }

    @Test func denseRegularizerAddsPenaltyAndGradient() throws {
        let d = try Dense(units: 2, kernelRegularizer: Regularizer(l1: 0.1, l2: 0.2))
        var g = RandomGenerator(seed: 1)
        _ = try d.build(inputShape: [3], generator: &g)
        let w = d.kernel!.value.scalars
        let expected = w.reduce(Float(0)) { $0 + 0.1 * abs($1) + 0.2 * $1 * $1 }
        for i in 0..<d.kernel!.gradient.count { d.kernel!.gradient.scalars[i] = 0 }
        let penalty = d.regularizationLoss(addGradients: true)
        #expect(abs(penalty - expected) < 1e-5)
        #expect(abs(d.kernel!.gradient.scalars[0] - (0.1 * (w[0] > 0 ? 1 : -1) + 0.4 * w[0])) < 1e-6)
    }

    @Test func flattenAndReshapeGradientsPassThrough() throws {
        try checkGradients(Flatten(), inputShape: [2, 3])
        try checkGradients(Reshape(targetShape: [3, -1]), inputShape: [6])
    }

    @Test func dropoutScalesKeptValuesAndIsIdentityInInference() throws {
        let d = try Dropout(rate: 0.5, seed: 3)
        var g = RandomGenerator(seed: 1)
        _ = try d.build(inputShape: [1000], generator: &g)
        let x = Tensor(shape: [1, 1000], repeating: 1)
        var y = Tensor(shape: [0])
        d.forward(x, into: &y, training: true)
        #expect(Set(y.scalars) == [0, 2])
        let kept = y.scalars.filter { $0 > 0 }.count
        #expect((400...600).contains(kept))
        var dx = Tensor(shape: [0])
        d.backward(input: x, output: y, outputGradient: x, inputGradient: &dx, computeInputGradient: true)
        #expect(dx == y)
        d.forward(x, into: &y, training: false)
        #expect(y == x)
    }
}
