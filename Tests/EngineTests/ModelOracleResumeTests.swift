import Testing
@testable import Engine

/// Bayesian optimization and TPE resumed from a SQLite project continue exactly as an
/// uninterrupted search would: same seed stream, same kernel fit, same proposals.
struct ModelOracleResumeTests {
    private func body(_ trial: Trial) throws -> TrialResult {
        let hp = trial.hyperparameters
        let x = try hp.float("x", minValue: -2, maxValue: 2)!.numeric!
        let n = try hp.int("n", minValue: 1, maxValue: 64, step: 2, sampling: "log")!.numeric!
        let kind = try hp.choice("kind", values: [.string("a"), .string("b")])!
        let penalty: Double = kind == .string("a") ? 0 : 0.3
        return .number((x - 0.7) * (x - 0.7) + abs(n - 8) / 64 + penalty)
    }

    private func wholeAndResumed(_ make: (Int) throws -> Oracle) throws -> ([HPValues], [HPValues]) {
        let a = TempDirectory()
        let whole = try Tuner(oracle: try make(14), directory: a.path, projectName: "p", verbose: 0)
        try whole.search(ClosureTrialRunner(body))
        let b = TempDirectory()
        do {
            let half = try Tuner(oracle: try make(8), directory: b.path, projectName: "p", verbose: 0)
            try half.search(ClosureTrialRunner(body))
            half.close()
        }
        let rest = try Tuner(oracle: try make(14), directory: b.path, projectName: "p", verbose: 0)
        try rest.search(ClosureTrialRunner(body))
        return (whole.oracle.orderedTrials.map(\.hyperparameters.values), rest.oracle.orderedTrials.map(\.hyperparameters.values))
    }

    @Test func resumedBayesianSearchProposesWhatAnUninterruptedOneDoes() throws {
        let (whole, resumed) = try wholeAndResumed { try BayesianOptimizationOracle(maxTrials: $0, numInitialPoints: 4, seed: 5) }
        #expect(whole.count == 14)
        #expect(whole == resumed)
    }

    @Test func resumedTPESearchProposesWhatAnUninterruptedOneDoes() throws {
        let (whole, resumed) = try wholeAndResumed { try TPEOracle(maxTrials: $0, nStartupTrials: 4, seed: 5) }
        #expect(whole.count == 14)
        #expect(whole == resumed)
    }
}
