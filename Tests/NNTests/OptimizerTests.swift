import Testing
@testable import NN

/// Expected weights are the Keras 3 update formulas run by hand (in float64, NumPy) for three
/// steps from w = [1, −2, 0.5] with the gradients below.
struct OptimizerTests {
    static let gradients: [[Float]] = [[0.1, -0.4, 2.0], [0.3, 0.2, -1.0], [-0.5, 0.1, 0.6]]

    func run(_ optimizer: any Optimizer, gradients: [[Float]] = OptimizerTests.gradients) -> [Float] {
        let parameter = Parameter(name: "w", value: Tensor(shape: [3], scalars: [1.0, -2.0, 0.5]))
        for g in gradients {
            parameter.gradient = Tensor(shape: [3], scalars: g)
            optimizer.apply(to: [parameter])
        }
        #expect(optimizer.iterations == gradients.count)
        return parameter.value.scalars
    }

    func expectClose(_ actual: [Float], _ expected: [Double], _ label: String, tolerance: Double = 2e-5) {
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) {
            #expect(abs(Double(a) - e) <= tolerance * max(1, abs(e)), "\(label): got \(actual), expected \(expected)")
        }
    }

    @Test func sgdFollowsKerasUpdateRules() throws {
        expectClose(run(try SGD(learningRate: 0.1)), [1.01, -1.99, 0.34], "plain")
        expectClose(run(try SGD(learningRate: 0.1, momentum: 0.9)), [0.9659, -1.9396, 0.088], "momentum")
        expectClose(run(try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)), [0.97931, -1.93564, -0.0308], "nesterov")
    }

    @Test func sgdClipsGradientsByNormAndByValue() throws {
        expectClose(run(try SGD(learningRate: 0.1, clipnorm: 0.5)), [1.01519071, -2.00596317, 0.459965795], "clipnorm")
        expectClose(run(try SGD(learningRate: 0.1, clipvalue: 0.25)), [0.99, -2.005, 0.475], "clipvalue")
    }

    @Test func adamUsesBiasCorrectedLearningRate() throws {
        expectClose(run(try Adam(learningRate: 0.1)), [0.824317312, -1.86722843, 0.336913779], "adam")
        expectClose(run(try Adam(learningRate: 0.1, clipnorm: 0.5)), [0.84654978, -1.93259999, 0.374159709], "clipnorm")
    }

    @Test func adamAmsgradKeepsTheLargestVelocity() throws {
        let gradients: [[Float]] = [[2.0, 0.1, -0.3], [0.0, 0.1, -0.3], [0.01, 0.1, 0.3]]
        expectClose(run(try Adam(learningRate: 0.1, amsgrad: true), gradients: gradients),
                    [0.780964724, -2.29999277, 0.726197303], "amsgrad")
        expectClose(run(try Adam(learningRate: 0.1), gradients: gradients),
                    [0.78087975, -2.29999277, 0.726197303], "without amsgrad")
    }

    @Test func adamWDecaysWeightsBeforeEachAdamStep() throws {
        let optimizer = try AdamW(learningRate: 0.1)
        #expect(optimizer.name == "AdamW" && optimizer.weightDecay == 0.004)
        expectClose(run(optimizer), [0.823234485, -1.86492003, 0.336404656], "adamw")
    }

    @Test func rmspropFollowsKerasUpdateRules() throws {
        expectClose(run(try RMSprop(learningRate: 0.1)), [0.653800501, -1.9066782, 0.241771504], "plain")
        expectClose(run(try RMSprop(learningRate: 0.1, momentum: 0.5, centered: true)),
                    [0.197512358, -1.71489084, 0.0481581396], "momentum+centered", tolerance: 1e-4)
        expectClose(run(try RMSprop(learningRate: 0.1, clipvalue: 0.25)), [0.61010329, -1.98936351, 0.221095411], "clipvalue")
    }

    @Test func adagradStartsFromInitialAccumulator() throws {
        expectClose(run(try Adagrad(learningRate: 0.1)), [0.977302448, -1.97602892, 0.419830156], "plain")
        expectClose(run(try Adagrad(learningRate: 0.1, clipnorm: 0.5)), [1.01912181, -2.01589407, 0.433451317], "clipnorm")
    }

    @Test func globalClipnormScalesAllGradientsTogether() throws {
        let a = Parameter(name: "a", value: Tensor(shape: [2], scalars: [1, 1]))
        let b = Parameter(name: "b", value: Tensor(shape: [1], scalars: [1]))
        a.gradient = Tensor(shape: [2], scalars: [3, 4])
        b.gradient = Tensor(shape: [1], scalars: [12])  // global norm 13
        try SGD(learningRate: 0.1, globalClipnorm: 1).apply(to: [a, b])
        expectClose(a.value.scalars, [0.976923077, 0.969230769], "a")
        expectClose(b.value.scalars, [0.907692308], "b")
    }

    @Test func updatesWeightsInPlaceAndMatchesScalarTailOnOddSizes() throws {
        // 19 scalars: two 8-lane blocks and a 3-scalar tail must follow the same rule.
        let parameter = Parameter(name: "w", value: Tensor(shape: [19], scalars: (0..<19).map { Float($0) * 0.1 }))
        parameter.gradient = Tensor(shape: [19], repeating: 0.5)
        let before = parameter.value.scalars.withUnsafeBufferPointer { $0.baseAddress }
        for optimizer: any Optimizer in [try Adam(), try RMSprop(), try Adagrad()] {
            let copy = Parameter(name: "w", value: parameter.value)
            copy.gradient = parameter.gradient
            optimizer.apply(to: [copy])
            let deltas = zip(copy.value.scalars, parameter.value.scalars).map { $0 - $1 }
            #expect(deltas.allSatisfy { abs($0 - deltas[0]) < 1e-7 }, "\(optimizer.name): \(deltas)")
        }
        try Adam().apply(to: [parameter])
        #expect(parameter.value.scalars.withUnsafeBufferPointer { $0.baseAddress } == before)
    }

    @Test func frozenParametersAreNotUpdated() throws {
        let frozen = Parameter(name: "frozen", value: Tensor(shape: [1], scalars: [1]), trainable: false)
        frozen.gradient = Tensor(shape: [1], scalars: [5])
        try Adam().apply(to: [frozen])
        #expect(frozen.value.scalars == [1])
    }

    @Test func scheduleDrivesTheLearningRateByIteration() throws {
        // lr 0.1 then 0.05: w = 1 − 0.1·1 − 0.05·1
        let schedule = try ExponentialDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5)
        let optimizer = try SGD(learningRate: .schedule(schedule))
        let p = Parameter(name: "w", value: Tensor(shape: [1], scalars: [1]))
        p.gradient = Tensor(shape: [1], scalars: [1])
        optimizer.apply(to: [p])
        optimizer.apply(to: [p])
        expectClose(p.value.scalars, [0.85], "scheduled")
    }

    @Test func restoredStateContinuesTrainingIdentically() throws {
        let uninterrupted = run(try Adam(learningRate: 0.1))
        let first = try Adam(learningRate: 0.1)
        let p = Parameter(name: "w", value: Tensor(shape: [3], scalars: [1.0, -2.0, 0.5]))
        p.gradient = Tensor(shape: [3], scalars: Self.gradients[0])
        first.apply(to: [p])
        let snapshot = first.stateSnapshot(for: [p])
        #expect(snapshot.iterations == 1 && snapshot.slots.keys.sorted() == ["0:w:momentum", "0:w:velocity"])
        let resumed = try Adam(learningRate: 0.1)
        let copy = Parameter(name: "w", value: p.value)
        try resumed.restoreState(snapshot, for: [copy])
        for g in Self.gradients.dropFirst() {
            copy.gradient = Tensor(shape: [3], scalars: g)
            resumed.apply(to: [copy])
        }
        #expect(copy.value.scalars == uninterrupted)
        #expect(resumed.iterations == 3)
    }

    @Test func stateOfAnotherOptimizerOrShapeIsRejected() throws {
        let p = Parameter(name: "w", value: Tensor(shape: [3]))
        p.gradient = Tensor(shape: [3], scalars: [1, 1, 1])
        let adam = try Adam()
        adam.apply(to: [p])
        let snapshot = adam.stateSnapshot(for: [p])
        #expect(throws: OptimizerError.self) { try SGD(momentum: 0.5).restoreState(snapshot, for: [p]) }
        let wrongShape = Parameter(name: "w", value: Tensor(shape: [4]))
        #expect(throws: OptimizerError.self) { try Adam().restoreState(snapshot, for: [wrongShape]) }
    }

    @Test func invalidArgumentsAreErrorsNamingTheArgument() {
        #expect { try SGD(momentum: 1.5) } throws: { "\($0)".contains("momentum") }
        #expect { try Adam(beta1: 1) } throws: { "\($0)".contains("beta_1") }
        #expect { try SGD(clipnorm: 1, clipvalue: 1) } throws: { "\($0)".contains("only one of clipnorm") }
        #expect { try RMSprop(clipnorm: -1) } throws: { "\($0)".hasPrefix("RMSprop: clipnorm") }
        #expect { try Adam(learningRate: -0.1) } throws: { "\($0)".contains("learning_rate") }
    }

    @Test func resolverUsesKerasDefaultsAndSuggestsOnTypos() throws {
        let adam = try #require(try Optimizers.named("adam") as? Adam)
        #expect(adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-7)
        if case .constant(let rate) = adam.learningRate { #expect(rate == 0.001) } else { Issue.record("schedule") }
        let sgd = try #require(try Optimizers.named("sgd") as? SGD)
        if case .constant(let rate) = sgd.learningRate { #expect(rate == 0.01) } else { Issue.record("schedule") }
        #expect(try Optimizers.named("rmsprop").name == "RMSprop")
        #expect(try Optimizers.named("adagrad").name == "Adagrad")
        #expect(try Optimizers.named("adamw").name == "AdamW")
        #expect { try Optimizers.named("adm") } throws: { "\($0)".contains("did you mean 'adam'") }
    }
}
