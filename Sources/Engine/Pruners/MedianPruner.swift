/// Optuna's `MedianPruner`: the `PercentilePruner` at the 50th percentile.
public final class MedianPruner: PercentilePruner {
    public init(nStartupTrials: Int = Defaults.nStartupTrials, nWarmupSteps: Int = Defaults.nWarmupSteps,
                intervalSteps: Int = Defaults.intervalSteps, nMinTrials: Int = Defaults.nMinTrials) throws {
        try super.init(percentile: 50, nStartupTrials: nStartupTrials, nWarmupSteps: nWarmupSteps,
                       intervalSteps: intervalSteps, nMinTrials: nMinTrials)
    }

    override class var functionName: String { "MedianPruner" }
}
