import Testing
@testable import Engine

struct ObjectiveTests {
    @Test func directionIsInferredFromTheTable() throws {
        for name in ["loss", "val_loss", "mean_squared_error", "val_binary_crossentropy", "mse", "weighted_mae"] {
            #expect(try Objective.inferred(name).direction == .min, "\(name)")
        }
        for name in ["accuracy", "val_accuracy", "val_sparse_categorical_accuracy", "auc", "val_precision", "recall", "f1", "r2", "acc"] {
            #expect(try Objective.inferred(name).direction == .max, "\(name)")
        }
    }

    @Test func unknownNamesAndBadDirectionsAreClearErrors() {
        do {
            _ = try Objective.inferred("y")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("could not infer the direction") && "\(error)".contains("'y'"))
        }
        do {
            _ = try Objective("y", direction: "minimize")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "Objective: direction must be \"min\" or \"max\", got \"minimize\"")
        }
    }

    @Test func multiObjectiveSumsMinsAndSubtractsMaxes() throws {
        let multi = try Objective(multi: [Objective("loss", .min), Objective("accuracy", .max)])
        #expect(multi.name == "multi_objective" && multi.direction == .min)
        #expect(multi.value(in: ["loss": 0.5, "accuracy": 0.75, "other": 9]) == -0.25)
        #expect(multi.value(in: ["loss": 0.5]) == nil)
        #expect(multi.description == "MultiObjective(name=\"multi_objective\", direction=\"min\"): [Objective(name=\"loss\", direction=\"min\"), Objective(name=\"accuracy\", direction=\"max\")]")
        let oracle = try RandomSearchOracle(objective: multi, maxTrials: 1, seed: 1)
        let trial = try oracle.createTrial()
        try oracle.updateTrial(trial.trialId, metrics: [("loss", 1), ("accuracy", 0.25)])
        trial.status = .completed
        _ = try oracle.endTrial(trial)
        #expect(trial.score == 0.75)
        #expect(try trial.metrics.getDirection("accuracy") == .max)
    }

    @Test func objectiveRoundTripsThroughStorageJSON() throws {
        let multi = try Objective(multi: [Objective("loss", .min), Objective("auc", .max)])
        #expect(try Objective(json: multi.json) == multi)
        #expect(try Objective(json: Objective("y", .max).json) == Objective("y", .max))
    }
}
