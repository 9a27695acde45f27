/// Bayesian optimization with a Gaussian process (Keras Tuner's `BayesianOptimizationOracle`).
///
/// The first `numInitialPoints` trials cover the space with a seeded low-discrepancy design; after
/// that a Matérn 5/2 GP with fitted length scales models the objective and the trial runs where the
/// acquisition (log expected improvement by default; Keras Tuner's μ − β·σ with `"lcb"`) is best,
/// found by multi-start L-BFGS from the incumbents and the best of many random candidates. Unlike Keras
/// Tuner, failed trials and non-finite scores are left out of the model instead of becoming 0.0,
/// and a configuration already tried is never proposed again. In Pareto mode the GP models a
/// random scalarization of the objectives drawn anew for each proposal (`ParEGOScalarization`).
public final class BayesianOptimizationOracle: Oracle {
    /// nil = max(3 × number of tunable hyperparameters, 3), computed when the space is known.
    public let numInitialPoints: Int?
    public let alpha: Double
    public let beta: Double
    public let acquisition: Acquisition
    private var proposer: GaussianProcessProposer
    private let encodings = TrialEncodings()

    /// The defaults, defined here once: Keras Tuner's `max_trials=10` and `beta=2.6` (for `"lcb"`);
    /// log expected improvement rather than Keras Tuner's confidence bound, and a noise floor of
    /// 1e-6 rather than its 1e-4, which measured 2–50× closer to the optimum on smooth functions
    /// (bench/oracles, issue 20). A noisy objective still gets its noise: it is fitted above the floor.
    public enum BayesianDefaults {
        public static let maxTrials = 10
        public static let alpha = 1e-6
        public static let beta = 2.6
        public static let acquisition = Acquisition.expectedImprovement

        /// Design trials before the model takes over when `num_initial_points` is nil.
        public static func initialPoints(tunable: Int) -> Int { max(3 * tunable, 3) }
    }

    /// The proposer's configuration for the default arguments (the benchmark measures this).
    public static var defaultProposerConfiguration: GaussianProcessProposer.Configuration {
        var configuration = GaussianProcessProposer.Configuration()
        configuration.alpha = BayesianDefaults.alpha
        configuration.beta = BayesianDefaults.beta
        configuration.acquisition = BayesianDefaults.acquisition
        return configuration
    }

    /// Keras Tuner's arguments, plus the acquisition (`"lcb"`, Keras Tuner's, or `"ei"`).
    public init(objective: Objective = .defaultObjective, maxTrials: Int? = BayesianDefaults.maxTrials,
                numInitialPoints: Int? = nil, alpha: Double = BayesianDefaults.alpha, beta: Double = BayesianDefaults.beta,
                seed: Int? = nil, hyperparameters: HyperParameters? = nil,
                allowNewEntries: Bool = Defaults.allowNewEntries, tuneNewEntries: Bool = Defaults.tuneNewEntries,
                maxRetriesPerTrial: Int = Defaults.maxRetriesPerTrial,
                maxConsecutiveFailedTrials: Int? = Defaults.maxConsecutiveFailedTrials,
                acquisition: Acquisition = BayesianDefaults.acquisition) throws {
        let fn = "BayesianOptimizationOracle"
        guard alpha > 0, alpha.isFinite else {
            throw EngineError.invalid("\(fn): alpha must be a positive number (the noise added to the kernel's diagonal), got \(alpha)")
        }
        guard beta >= 0, beta.isFinite else {
            throw EngineError.invalid("\(fn): beta must be >= 0 (0 = pure exploitation), got \(beta)")
        }
        if let n = numInitialPoints, n < 1 {
            throw EngineError.invalid("\(fn): num_initial_points must be >= 1 or nil, got \(n)")
        }
        self.numInitialPoints = numInitialPoints
        self.alpha = alpha
        self.beta = beta
        self.acquisition = acquisition
        var configuration = Self.defaultProposerConfiguration
        configuration.alpha = alpha
        configuration.beta = beta
        configuration.acquisition = acquisition
        proposer = GaussianProcessProposer(configuration: configuration)
        try super.init(objective: objective, maxTrials: maxTrials, hyperparameters: hyperparameters,
                       allowNewEntries: allowNewEntries, tuneNewEntries: tuneNewEntries, seed: seed,
                       maxRetriesPerTrial: maxRetriesPerTrial, maxConsecutiveFailedTrials: maxConsecutiveFailedTrials)
    }

    public override var kind: String { "BayesianOptimization" }

    /// The number of random (design) trials before the GP takes over, for the current space.
    public var effectiveInitialPoints: Int {
        numInitialPoints ?? BayesianDefaults.initialPoints(tunable: hyperparameters.tunable.count)
    }

    public override func populateSpace(trialId: String) throws -> PopulateResponse {
        let model = ModelSpace(hyperparameters)
        if model.tunable.isEmpty { return onlyFixedValues(model) }
        let sign = objective.direction == .max ? -1.0 : 1.0
        var observed: [[Double]] = []
        var scores: [Double] = []
        var pending: [[Double]] = []
        var tried = Set<[Double]>()
        var paretoPoints: [[Double]] = []
        for trial in orderedTrials where trial.trialId != trialId {
            let x = encodings.encoding(of: trial, in: model, of: hyperparameters).full
            tried.insert(x)
            switch trial.status {
            case .completed where objective.isPareto:
                if let v = trial.objectiveValues, v.allSatisfy(\.isFinite) { observed.append(x); paretoPoints.append(objective.minimized(v)) }
            case .completed:
                if let s = trial.score, s.isFinite { observed.append(x); scores.append(sign * s) }
            case .running:
                pending.append(x)
            default:
                break
            }
        }
        return try designThenModel(model, scoredTrials: observed.count, designPoints: effectiveInitialPoints) {
            if objective.isPareto {
                // ParEGO: a fresh random scalarization of the objectives for every proposal.
                scores = ParEGOScalarization(objectives: objective.components.count, generator: &rng).scalarize(paretoPoints)
            }
            return proposer.propose(dimensions: model.dimensions, observed: observed, scores: scores,
                             pending: pending, tried: tried, generator: &rng)
        }
    }

    public override func extraState() -> JSON {
        .object([
            ("num_initial_points", numInitialPoints.map { .int(Int64($0)) } ?? .null),
            ("alpha", .double(alpha)),
            ("beta", .double(beta)),
            ("acquisition", .string(acquisition.rawValue)),
            ("kernel_theta", proposer.state.theta.map { .array($0.map(JSON.double)) } ?? .null),
        ])
    }

    public override func restoreExtraState(_ state: JSON) throws {
        if let theta = state["kernel_theta"]?.arrayValue {
            proposer.state.theta = theta.compactMap(\.doubleValue)
        } else {
            proposer.state.theta = nil
        }
    }
}
