import Foundation

/// Hyperparameter importance by PED-ANOVA (Watanabe et al., IJCAI 2023), the default of Optuna 5's
/// `get_param_importances`: how far the distribution of a hyperparameter's values among the best
/// 10 % of trials departs from its distribution among all trials (the Pearson divergence
/// ∫ q (p/q − 1)²), computed per hyperparameter and normalised to sum to 1.
///
/// Distributions are smoothed histograms: one bin per category, or 50 bins over a numeric range
/// (in log space for a log-sampled one), each with a uniform prior as Optuna's Parzen estimators
/// have. A trial counts for a hyperparameter only where that hyperparameter is active.
public enum Importance {
    /// The share of best trials compared with all (Optuna's `target_quantile`).
    public static let targetQuantile = 0.1
    static let bins = 50

    /// Importance by hyperparameter name, largest first; empty with fewer than 4 scored trials.
    public static func pedANOVA(_ data: ReportData) -> [(name: String, importance: Double)] {
        let trials = data.scored
        guard trials.count >= 4 else { return [] }
        var raw: [(String, Double)] = []
        for name in data.parameterNames {
            let hp = data.declaration(of: name)
            let active = trials.compactMap { t in t.hyperparameters.values[name].map { (value: $0, score: t.score!) } }
            guard active.count >= 4, Set(active.map(\.value)).count > 1 else { continue }
            let ranked = active.sorted { data.better($0.score, $1.score) }
            let topCount = max(2, Int((Double(ranked.count) * targetQuantile).rounded(.up)))
            let axis = PlotAxis.of(hp, name: name, values: active.map(\.value))
            let binCount = axis.isCategorical ? axis.categoryCount : bins
            func bin(_ v: HPValue) -> Int? {
                guard let f = axis.fraction(v) else { return nil }
                return min(binCount - 1, max(0, Int(f * Double(binCount))))
            }
            let all = histogram(ranked.compactMap { bin($0.value) }, binCount, smooth: !axis.isCategorical)
            let top = histogram(ranked.prefix(topCount).compactMap { bin($0.value) }, binCount, smooth: !axis.isCategorical)
            var divergence = 0.0
            for i in 0..<binCount where all[i] > 0 { divergence += top[i] * top[i] / all[i] }
            raw.append((name, max(0, divergence - 1)))
        }
        let total = raw.reduce(0) { $0 + $1.1 }
        return raw.map { ($0.0, total > 0 ? $0.1 / total : 0) }.sorted { $0.1 > $1.1 }
    }

    /// A probability per bin: counts plus a uniform prior of one observation, numeric bins blurred
    /// over their neighbours (a Parzen window of about one bin).
    static func histogram(_ indices: [Int], _ count: Int, smooth: Bool) -> [Double] {
        var h = [Double](repeating: 1 / Double(count), count: count)
        for i in indices { h[i] += 1 }
        if smooth && count > 2 {
            var s = h
            for i in 0..<count {
                let l = h[max(0, i - 1)], r = h[min(count - 1, i + 1)]
                s[i] = 0.25 * l + 0.5 * h[i] + 0.25 * r
            }
            h = s
        }
        let total = h.reduce(0, +)
        return h.map { $0 / total }
    }
}
