/// Pruning in Pareto mode, after Ax's scaled Pareto early stopping: a trial is pruned at a step
/// when its values (the best of each objective over its steps so far, as Optuna's percentile rule
/// takes its best value) are dominated by the Pareto front of the completed trials' values at that
/// step, each front point first moved toward the nadir-based reference point by `scale` (0 = the
/// front itself, the most aggressive; 1 = the reference point, which prunes almost nothing). The
/// percentile pruners use `scale = percentile / 100`, so the median pruner moves the front halfway.
struct ParetoPruningRule {
    let scale: Double
    let minTrials: Int

    func prunes(_ trial: Trial, at step: Int, among completed: [Trial], objective: Objective) -> Bool {
        let iv = trial.intermediateValues
        var own: [Double]?
        for s in iv.objective.keys where s <= step {
            guard let v = objective.minimizedValues(iv.row(at: s)) else { continue }
            own = own.map { zip($0, v).map { a, b in a.isNaN ? b : (b.isNaN ? a : min(a, b)) } } ?? v
        }
        guard let own else { return false }
        if own.contains(where: \.isNaN) { return true }
        let others = completed.compactMap { t -> [Double]? in
            guard t.trialId != trial.trialId, let v = objective.minimizedValues(t.intermediateValues.row(at: step)),
                  !v.contains(where: \.isNaN) else { return nil }
            return v
        }
        guard others.count >= minTrials, !others.isEmpty else { return false }
        let reference = Hypervolume.nadirReference(others + [own])
        return ParetoFront.front(others).contains { i in
            let scaled = others[i].indices.map { m in others[i][m] + scale * (reference[m] - others[i][m]) }
            return ParetoFront.dominates(scaled, own)
        }
    }
}
