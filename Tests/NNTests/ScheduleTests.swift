import Testing
@testable import NN

/// Expected rates are Keras 3's schedule formulas evaluated by hand (float64).
struct ScheduleTests {
    func expectRates(_ schedule: any LearningRateSchedule, _ steps: [Int], _ expected: [Double]) {
        for (step, rate) in zip(steps, expected) {
            let actual = schedule.learningRate(atStep: step)
            #expect(abs(Double(actual) - rate) < 1e-7, "step \(step): \(actual) vs \(rate)")
        }
    }

    @Test func exponentialDecayIsContinuousUnlessStaircase() throws {
        expectRates(try ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5),
                    [0, 5, 10, 25], [0.1, 0.07071067811865477, 0.05, 0.01767766952966369])
        expectRates(try ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true),
                    [0, 9, 10, 25], [0.1, 0.1, 0.05, 0.025])
    }

    @Test func cosineDecayReachesAlphaFloorAndStays() throws {
        expectRates(try CosineDecay(initialLearningRate: 0.1, decaySteps: 100),
                    [0, 25, 50, 100, 150], [0.1, 0.08535533905932738, 0.05, 0, 0])
        expectRates(try CosineDecay(initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1),
                    [0, 50, 100], [0.1, 0.055, 0.01])
    }

    @Test func cosineDecayWarmsUpLinearlyThenDecaysFromTarget() throws {
        expectRates(try CosineDecay(initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.1, warmupSteps: 10),
                    [0, 5, 10, 60, 110, 200], [0, 0.05, 0.1, 0.05, 0, 0])
    }

    @Test func invalidScheduleArgumentsAreErrors() {
        #expect { try ExponentialDecay(initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9) } throws: {
            "\($0)" == "ExponentialDecay: decay_steps must be > 0, got 0"
        }
        #expect(throws: OptimizerError.self) { try CosineDecay(initialLearningRate: 0.1, decaySteps: -5) }
        #expect(throws: OptimizerError.self) { try CosineDecay(initialLearningRate: 0.1, decaySteps: 5, alpha: 2) }
        #expect(throws: OptimizerError.self) { try CosineDecay(initialLearningRate: 0.1, decaySteps: 5, warmupSteps: -1) }
    }
}
