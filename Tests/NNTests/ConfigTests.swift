import Foundation
import Testing
@testable import NN

struct ConfigTests {
    @Test func optimizerConfigRoundTripsThroughJSON() throws {
        let schedule = try CosineDecay(initialLearningRate: 0.1, decaySteps: 50, alpha: 0.2)
        let original = try RMSprop(learningRate: .schedule(schedule), rho: 0.8, momentum: 0.5, centered: true, clipnorm: 2)
        let config = try #require(Optimizers.config(of: original))
        let json = try JSONEncoder().encode(config)
        let decoded = try JSONDecoder().decode(ObjectConfig.self, from: json)
        #expect(decoded == config)
        let rebuilt = try #require(try Optimizers.from(config: decoded) as? RMSprop)
        #expect(rebuilt.rho == 0.8 && rebuilt.momentum == 0.5 && rebuilt.centered && rebuilt.clipping == .norm(2))
        #expect(rebuilt.learningRate.value(atStep: 25) == schedule.learningRate(atStep: 25))
        #expect(Optimizers.config(of: rebuilt) == config)
    }

    @Test func everyOptimizerRoundTrips() throws {
        let optimizers: [any RestorableOptimizer] = [
            try SGD(learningRate: 0.2, momentum: 0.9, nesterov: true), try Adam(amsgrad: true, clipvalue: 1),
            try AdamW(weightDecay: 0.01), try Adagrad(initialAccumulatorValue: 0.2, globalClipnorm: 3),
        ]
        for optimizer in optimizers {
            let config = try #require(Optimizers.config(of: optimizer))
            #expect(Optimizers.config(of: try Optimizers.from(config: config)) == config, "\(optimizer.name)")
        }
    }

    @Test func keywordConstructionRejectsUnknownArgumentsWithSuggestion() {
        let config = ObjectConfig(className: "Adam", config: ["learning_rate": .number(0.01), "beta1": .number(0.8)])
        #expect { try Optimizers.from(config: config) } throws: {
            "\($0)" == "Adam: unknown argument 'beta1' (did you mean 'beta_1'?)"
        }
        let wrongType = ObjectConfig(className: "SGD", config: ["nesterov": .number(1)])
        #expect { try Optimizers.from(config: wrongType) } throws: { "\($0)".contains("'nesterov' must be a boolean") }
    }

    @Test func lossConfigRoundTrips() throws {
        let losses: [any Loss] = [MeanSquaredError(), try Huber(delta: 2), try BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1),
                                  try CategoricalCrossentropy(), SparseCategoricalCrossentropy(fromLogits: true)]
        for loss in losses {
            let config = Losses.config(of: loss)
            let rebuilt = try Losses.from(config: config)
            #expect(rebuilt.name == loss.name && Losses.config(of: rebuilt) == config)
        }
        #expect { try Losses.from(config: ObjectConfig(className: "Huber", config: ["delt": .number(1)])) } throws: {
            "\($0)".contains("did you mean 'delta'")
        }
    }

    @Test func scheduleConfigRequiresItsArguments() {
        #expect { try Schedules.from(config: ObjectConfig(className: "ExponentialDecay", config: ["initial_learning_rate": .number(0.1)])) } throws: {
            "\($0)".contains("missing required argument")
        }
    }
}
