/// The Tree-structured Parzen Estimator (Optuna's `TPESampler`), as a Keras Tuner oracle.
///
/// After `nStartupTrials` design trials, the completed trials are split into the best γ(n) and
/// the rest, a Parzen density is built on each, and of `nEICandidates` draws from the good density
/// the one with the highest ratio to the bad density runs. One deliberate difference from Optuna:
/// the good density's bandwidth floor follows the whole search's trial count (ParzenEstimator),
/// so it can concentrate on a minimum instead of staying an eighth of the range wide. Cheap per
/// trial at any trial count, so it is the choice for long searches. Conditional hyperparameters are modelled only from
/// the trials where they were active; running trials of other workers count as bad ones
/// (Optuna's constant liar) so workers spread out. In Pareto mode it is Optuna's multi-objective
/// TPE (MOTPE): the split is by non-dominated rank, the good density weighted by hypervolume.
public final class TPEOracle: Oracle {
    public let nStartupTrials: Int
    public let nEICandidates: Int
    public let priorWeight: Double
    public let considerMagicClip: Bool
    public let considerEndpoints: Bool
    public let multivariate: Bool
    private let proposer: TreeParzenProposer
    private let encodings = TrialEncodings()

    /// Optuna's defaults: `n_startup_trials=10`, `n_ei_candidates=24`, `prior_weight=1.0`,
    /// `consider_magic_clip=true`, `consider_endpoints=false`, joint (multivariate) sampling as in
    /// Optuna 5 (independent in Pareto mode, as Optuna 5 does for several objectives: it measured
    /// 1.5–12% more hypervolume on bench/pareto); the base-oracle arguments as in Keras Tuner.
    /// Optuna's `TPESampler` defaults (and `max_trials` as the other tuners'), defined here once.
    public enum TPEDefaults {
        public static let maxTrials = 10
        public static let nStartupTrials = 10
        public static let nEICandidates = 24
        public static let priorWeight = 1.0
        public static let considerMagicClip = true
        public static let considerEndpoints = false
        public static let multivariate = true
        /// Pareto mode's default (Optuna 5's for multi-objective studies).
        public static let multivariatePareto = false
    }

    public init(objective: Objective = .defaultObjective, maxTrials: Int? = TPEDefaults.maxTrials,
                nStartupTrials: Int = TPEDefaults.nStartupTrials, nEICandidates: Int = TPEDefaults.nEICandidates,
                priorWeight: Double = TPEDefaults.priorWeight, considerMagicClip: Bool = TPEDefaults.considerMagicClip,
                considerEndpoints: Bool = TPEDefaults.considerEndpoints, multivariate: Bool? = nil,
                seed: Int? = nil, hyperparameters: HyperParameters? = nil, allowNewEntries: Bool = Defaults.allowNewEntries,
                tuneNewEntries: Bool = Defaults.tuneNewEntries, maxRetriesPerTrial: Int = Defaults.maxRetriesPerTrial,
                maxConsecutiveFailedTrials: Int? = Defaults.maxConsecutiveFailedTrials) throws {
        let fn = "TPEOracle"
        guard nStartupTrials >= 0 else { throw EngineError.invalid("\(fn): n_startup_trials must be >= 0, got \(nStartupTrials)") }
        guard nEICandidates >= 1 else { throw EngineError.invalid("\(fn): n_ei_candidates must be >= 1, got \(nEICandidates)") }
        guard priorWeight > 0, priorWeight.isFinite else {
            throw EngineError.invalid("\(fn): prior_weight must be a positive number, got \(priorWeight)")
        }
        self.nStartupTrials = nStartupTrials
        self.nEICandidates = nEICandidates
        self.priorWeight = priorWeight
        self.considerMagicClip = considerMagicClip
        self.considerEndpoints = considerEndpoints
        let multivariate = multivariate ?? (objective.isPareto ? TPEDefaults.multivariatePareto : TPEDefaults.multivariate)
        self.multivariate = multivariate
        var configuration = TreeParzenProposer.Configuration()
        configuration.startupTrials = max(nStartupTrials, 1)
        configuration.eiCandidates = nEICandidates
        configuration.priorWeight = priorWeight
        configuration.considerMagicClip = considerMagicClip
        configuration.considerEndpoints = considerEndpoints
        configuration.multivariate = multivariate
        proposer = TreeParzenProposer(configuration: configuration)
        try super.init(objective: objective, maxTrials: maxTrials, hyperparameters: hyperparameters,
                       allowNewEntries: allowNewEntries, tuneNewEntries: tuneNewEntries, seed: seed,
                       maxRetriesPerTrial: maxRetriesPerTrial, maxConsecutiveFailedTrials: maxConsecutiveFailedTrials)
    }

    public override var kind: String { "TPE" }

    public override func populateSpace(trialId: String) throws -> PopulateResponse {
        let model = ModelSpace(hyperparameters)
        if model.tunable.isEmpty { return onlyFixedValues(model) }
        let sign = objective.direction == .max ? -1.0 : 1.0
        var observed: [[Double?]] = []
        var scores: [Double] = []
        var pending: [[Double?]] = []
        var tried = Set<[Double]>()
        var pruned: [(encoding: [Double?], rank: (Double, Double))] = []
        var paretoPoints: [[Double]] = []
        for trial in orderedTrials where trial.trialId != trialId {
            let encoding = encodings.encoding(of: trial, in: model, of: hyperparameters)
            tried.insert(encoding.full)
            switch trial.status {
            case .completed where objective.isPareto:
                // MOTPE: split by non-dominated rank of the objectives' values.
                if let v = trial.objectiveValues, v.allSatisfy(\.isFinite) {
                    observed.append(encoding.partial)
                    scores.append(0)
                    paretoPoints.append(objective.minimized(v))
                }
            case .completed:
                if let s = trial.score, s.isFinite {
                    observed.append(encoding.partial)
                    scores.append(sign * s)
                }
            case .running:
                pending.append(encoding.partial)
            case .pruned:
                pruned.append((encoding.partial, Self.prunedRank(trial, sign: sign)))
            default:
                break
            }
        }
        // Optuna's TPE ranks pruned trials after every completed one: more steps first, then the
        // last intermediate value. The proposer reads scores only as ranks, so scores past the
        // worst completed one, in that order, place them exactly there.
        let worst = scores.max() ?? 0
        for (i, p) in pruned.sorted(by: { $0.rank < $1.rank }).enumerated() {
            observed.append(p.encoding)
            scores.append(worst + 1 + Double(i))
        }
        return try designThenModel(model, scoredTrials: observed.count, designPoints: max(nStartupTrials, 1)) {
            proposer.propose(dimensions: model.dimensions, observed: observed, scores: scores,
                             pending: pending, tried: tried, paretoPoints: objective.isPareto ? paretoPoints : nil,
                             generator: &rng)
        }
    }

    /// Optuna's `_get_pruned_trial_score`: (-last step, signed last value), NaN last.
    static func prunedRank(_ trial: Trial, sign: Double) -> (Double, Double) {
        guard let step = trial.intermediateValues.lastStep, let value = trial.intermediateValues.objective[step] else { return (1, 0) }
        return (-Double(step), value.isNaN ? .infinity : sign * value)
    }

    public override func extraState() -> JSON {
        .object([
            ("n_startup_trials", .int(Int64(nStartupTrials))),
            ("n_ei_candidates", .int(Int64(nEICandidates))),
            ("prior_weight", .double(priorWeight)),
            ("consider_magic_clip", .bool(considerMagicClip)),
            ("consider_endpoints", .bool(considerEndpoints)),
            ("multivariate", .bool(multivariate)),
        ])
    }
}
