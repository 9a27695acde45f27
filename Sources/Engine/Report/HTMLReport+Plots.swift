import Foundation

/// The report's plots, each built from the snapshot alone (Optuna dashboard's set: history,
/// importance, parallel coordinates, contour, slices, intermediate values, Pareto front, and a
/// timeline of the workers).
extension HTMLReport {
    static let blue = "#1f77b4", red = "#d62728", orange = "#ff7f0e", grey = "#999", darkRed = "#7b0000"
    /// One colour per worker (cycled past ten workers).
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    /// Good to bad scores (viridis, reversed so the best is bright).
    static let ramp = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]

    var plots: [SVGPlot] {
        let importance = Importance.pedANOVA(data)
        var out = [history, importancePlot(importance), parallelCoordinates].compactMap { $0 }
        if let c = contour(importance) { out.append(c) }
        out += data.parameterNames.compactMap(slice)
        if let iv = intermediateValues { out.append(iv) }
        if let p = paretoFrontOfStoredObjectives { out.append(p) }
        if let h = hypervolumeHistory { out.append(h) }
        if let t = timeline { out.append(t) }
        return out
    }

    /// The score's axis, over every score plotted.
    private var scoreAxis: PlotAxis {
        PlotAxis.fitting(data.objective.isMulti ? "score (\(data.objective.name))" : data.objective.name,
                         data.trials.compactMap(\.score))
    }

    /// A colour from `ramp` for a score: its rank among the scored trials (best brightest).
    private func rankColors() -> (Trial) -> String {
        let ranked = data.scored.sorted { data.better($0.score!, $1.score!) }
        var rank: [String: Int] = [:]
        for (i, t) in ranked.enumerated() { rank[t.trialId] = i }
        let n = max(1, ranked.count)
        return { t in
            guard let r = rank[t.trialId] else { return HTMLReport.grey }
            return HTMLReport.ramp[min(HTMLReport.ramp.count - 1, r * HTMLReport.ramp.count / n)]
        }
    }

    // MARK: - Optimization history

    /// Scores by trial number with the best-so-far line; failed and pruned trials as crosses (at
    /// the bottom when they have no score).
    var history: SVGPlot? {
        guard !data.trials.isEmpty else { return nil }
        let x = PlotAxis.fitting("trial", data.trials.map { Double($0.index) })
        var plot = SVGPlot(title: "Optimization history", x: x, y: scoreAxis)
        let yAxis = plot.y
        func point(_ t: Trial) -> (Double, Double)? {
            guard let fx = x.fraction(Double(t.index)) else { return nil }
            return (fx, t.score.flatMap { yAxis.fraction($0) } ?? 0.02)
        }
        plot.dots(data.scored.compactMap(point), color: HTMLReport.blue, label: "completed")
        var best: Double?
        var line: [(Double, Double)] = []
        for t in data.scored {
            if best == nil || data.better(t.score!, best!) {
                if let b = best, let fx = x.fraction(Double(t.index)), let fy = yAxis.fraction(b) { line.append((fx, fy)) }
                best = t.score
            }
            if let fx = x.fraction(Double(t.index)), let fy = yAxis.fraction(best!) { line.append((fx, fy)) }
        }
        if let last = data.trials.last, let b = best, let fx = x.fraction(Double(last.index)), let fy = yAxis.fraction(b) { line.append((fx, fy)) }
        plot.lines([line], color: HTMLReport.red, width: 2, label: "best so far")
        plot.crosses(data.trials.filter { $0.status == .pruned }.compactMap(point), color: HTMLReport.orange, label: "pruned")
        plot.crosses(data.trials.filter { $0.status == .failed || $0.status == .invalid }.compactMap(point), color: HTMLReport.darkRed, label: "failed")
        return plot
    }

    // MARK: - Importance

    func importancePlot(_ importance: [(name: String, importance: Double)]) -> SVGPlot? {
        guard !importance.isEmpty else { return nil }
        let names = importance.map(\.name).reversed().map { $0 }
        let y = PlotAxis(label: "", scale: .categorical(names))
        let x = PlotAxis(label: "importance (PED-ANOVA, Optuna 5's default: best \(Int(Importance.targetQuantile * 100)) % vs all)", scale: .linear(0, 1))
        var plot = SVGPlot(title: "Hyperparameter importance", x: x, y: y, height: max(160, 70 + 26 * Double(names.count)))
        let thickness = min(18, plot.plotHeight / Double(names.count) * 0.7)
        for (name, value) in importance {
            let fy = y.fraction(.string(name)) ?? 0
            plot.bars([(0, value, fy)], thickness: thickness, color: HTMLReport.blue)
            plot.text(String(format: "%.3f", value), min(value, 0.85) + 0.01, fy - 0.02)
        }
        return plot
    }

    // MARK: - Parallel coordinates

    /// One vertical axis per hyperparameter and one for the score; a line per scored trial,
    /// coloured by rank (best brightest, drawn last). A conditional hyperparameter's axis is
    /// skipped by trials where it is inactive.
    var parallelCoordinates: SVGPlot? {
        let names = data.parameterNames
        let scored = data.scored
        guard !names.isEmpty, !scored.isEmpty else { return nil }
        let axes = names.map { n in PlotAxis.of(data.declaration(of: n), name: n, values: scored.compactMap { $0.hyperparameters.values[n] }) }
        let score = scoreAxis
        let count = Double(axes.count + 1)
        var plot = SVGPlot(title: "Parallel coordinates", x: PlotAxis(label: "", scale: .linear(0, count - 1)),
                           y: PlotAxis(label: "", scale: .linear(0, 1)), width: max(560, 110 * count), height: 380)
        let color = rankColors()
        var groups: [String: [[(Double, Double)]]] = [:]
        for t in scored.sorted(by: { data.better($1.score!, $0.score!) }) {
            var segments: [[(Double, Double)]] = [[]]
            for (i, axis) in axes.enumerated() {
                if let v = t.hyperparameters.values[names[i]], let f = axis.fraction(v) {
                    segments[segments.count - 1].append((Double(i) / (count - 1), f))
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            if let f = score.fraction(t.score!) { segments[segments.count - 1].append((1, f)) }
            groups[color(t), default: []] += segments.filter { $0.count > 1 }
        }
        for c in HTMLReport.ramp.reversed() { if let g = groups[c] { plot.lines(g, color: c, width: 1, opacity: 0.6) } }
        // The axes, each with its own ticks.
        var svg = ""
        for (i, axis) in (axes + [score]).enumerated() {
            let px = plot.px(Double(i) / (count - 1))
            svg += "<line x1=\"\(SVGPlot.n(px))\" y1=\"\(SVGPlot.n(plot.py(1)))\" x2=\"\(SVGPlot.n(px))\" y2=\"\(SVGPlot.n(plot.py(0)))\" stroke=\"#555\"/>\n"
            svg += "<text x=\"\(SVGPlot.n(px))\" y=\"\(SVGPlot.n(plot.py(0) + 16))\" text-anchor=\"middle\" font-size=\"11\">\(HTMLReport.escape(String(axis.label.prefix(18))))</text>\n"
            for (f, label) in axis.ticks.prefix(12) where f >= 0 && f <= 1 {
                svg += "<text x=\"\(SVGPlot.n(px + 3))\" y=\"\(SVGPlot.n(plot.py(f)))\" dy=\"3\" font-size=\"9\">\(HTMLReport.escape(String(label.prefix(12))))</text>\n"
            }
        }
        plot.raw(svg)
        plot.drawsAxes = false
        return plot
    }

    // MARK: - Contour

    /// The two most important hyperparameters (or the first two declared): each cell of a grid
    /// coloured by the best score of the trials in it, with the trials as dots.
    func contour(_ importance: [(name: String, importance: Double)]) -> SVGPlot? {
        let names = importance.count >= 2 ? importance.prefix(2).map(\.name) : Array(data.parameterNames.prefix(2))
        guard names.count == 2 else { return nil }
        let trials = data.scored.filter { $0.hyperparameters.values[names[0]] != nil && $0.hyperparameters.values[names[1]] != nil }
        guard !trials.isEmpty else { return nil }
        let xs = PlotAxis.of(data.declaration(of: names[0]), name: names[0], values: trials.map { $0.hyperparameters.values[names[0]]! })
        let ys = PlotAxis.of(data.declaration(of: names[1]), name: names[1], values: trials.map { $0.hyperparameters.values[names[1]]! })
        var plot = SVGPlot(title: "Contour", x: xs, y: ys)
        let nx = xs.isCategorical ? xs.categoryCount : 20, ny = ys.isCategorical ? ys.categoryCount : 20
        var best = [Double?](repeating: nil, count: nx * ny)
        var dots: [(Double, Double)] = []
        for t in trials {
            guard let fx = xs.fraction(t.hyperparameters.values[names[0]]!), let fy = ys.fraction(t.hyperparameters.values[names[1]]!) else { continue }
            dots.append((fx, fy))
            let i = min(nx - 1, max(0, Int(fx * Double(nx)))), j = min(ny - 1, max(0, Int(fy * Double(ny))))
            if best[j * nx + i] == nil || data.better(t.score!, best[j * nx + i]!) { best[j * nx + i] = t.score }
        }
        let ranked = best.compactMap { $0 }.sorted { data.better($0, $1) }
        for j in 0..<ny {
            for i in 0..<nx {
                guard let s = best[j * nx + i] else { continue }
                let r = ranked.firstIndex(of: s) ?? 0
                let color = HTMLReport.ramp[min(HTMLReport.ramp.count - 1, r * HTMLReport.ramp.count / max(1, ranked.count))]
                plot.rect(Double(i) / Double(nx), Double(j) / Double(ny), Double(i + 1) / Double(nx), Double(j + 1) / Double(ny),
                          color: color, tooltip: "best score " + TrialExport.shortest(s))
            }
        }
        plot.dots(dots, color: "#000", size: 3, opacity: 0.5)
        return plot
    }

    // MARK: - Slice

    /// The score against one hyperparameter, trials where it is active; pruned ones as crosses.
    func slice(_ name: String) -> SVGPlot? {
        let trials = data.trials.filter { $0.score?.isFinite ?? false }.filter { $0.hyperparameters.values[name] != nil }
        guard !trials.isEmpty else { return nil }
        let x = PlotAxis.of(data.declaration(of: name), name: name, values: trials.map { $0.hyperparameters.values[name]! })
        var plot = SVGPlot(title: "Slice", x: x, y: scoreAxis, width: 420, height: 300)
        plot.heading = "Slice: " + name
        let yAxis = plot.y
        func points(_ ts: [Trial]) -> [(Double, Double)] {
            ts.compactMap { t in
                guard let fx = x.fraction(t.hyperparameters.values[name]!), let fy = yAxis.fraction(t.score!) else { return nil }
                // Categories spread a little sideways so equal values stay visible.
                return (fx + (x.isCategorical ? Double(t.index % 7 - 3) * 0.004 : 0), fy)
            }
        }
        plot.dots(points(trials.filter { $0.status == .completed }), color: HTMLReport.blue)
        plot.crosses(points(trials.filter { $0.status == .pruned }), color: HTMLReport.orange, label: "pruned")
        return plot
    }

    // MARK: - Intermediate values

    /// Learning curves: each trial's objective by step, pruned trials in orange.
    var intermediateValues: SVGPlot? {
        let curves = data.trials.map { ($0, $0.intermediateValues.objective.sorted { $0.key < $1.key }) }.filter { !$0.1.isEmpty }
        guard !curves.isEmpty else { return nil }
        let x = PlotAxis.fitting("step", curves.flatMap { $0.1.map { Double($0.key) } })
        let y = PlotAxis.fitting(data.objective.name, curves.flatMap { $0.1.map(\.value) })
        var plot = SVGPlot(title: "Intermediate values", x: x, y: y)
        func lines(_ status: (TrialStatus) -> Bool) -> [[(Double, Double)]] {
            curves.filter { status($0.0.status) }.map { c in c.1.compactMap { s in
                x.fraction(Double(s.key)).flatMap { fx in y.fraction(s.value).map { (fx, $0) } }
            } }
        }
        let pruned = lines { $0 == .pruned }
        plot.lines(lines { $0 == .completed }, color: HTMLReport.blue, width: 1, opacity: 0.5, label: "completed")
        plot.lines(pruned, color: HTMLReport.orange, width: 1, opacity: 0.5)
        // Where each pruned trial stopped (one that stopped at its first step has no line).
        plot.crosses(pruned.compactMap(\.last), color: HTMLReport.orange, label: "pruned")
        plot.lines(lines { $0 != .completed && $0 != .pruned }, color: HTMLReport.darkRed, width: 1, opacity: 0.7, label: "running or failed")
        return plot
    }

    // MARK: - Pareto front

    /// The front of a project whose objective is a list, drawn on its first two objectives; nil
    /// when the project has one objective.
    var paretoFrontOfStoredObjectives: SVGPlot? {
        let parts = data.objective.components
        guard parts.count >= 2 else { return nil }
        return HTMLReport.paretoFront(objectivePoints.map { Array($0.prefix(2)) }, names: parts.prefix(2).map(\.name),
                                      directions: parts.prefix(2).map(\.direction))
    }

    /// Each completed trial's value per objective, in trial order: in Pareto mode the values the
    /// trial keeps (docs/reference.md, "Pareto mode"), otherwise each objective's best value.
    var objectivePoints: [[Double]] {
        let objective = data.objective, parts = objective.components
        return data.trials.filter { $0.status == .completed }.compactMap { t -> [Double]? in
            if objective.isPareto { return objective.paretoValues(of: t.metrics)?.values }
            let values = parts.compactMap { t.metrics.histories[$0.name]?.bestValue }
            return values.count == parts.count ? values : nil
        }
    }

    /// Pareto mode: the hypervolume of the front of the trials completed so far, after each of
    /// them, against the nadir-based reference point of all of them (`Oracle:hypervolume`'s
    /// default); nil in sum mode.
    var hypervolumeSoFar: [Double]? {
        guard data.objective.isPareto else { return nil }
        let points = objectivePoints.map(data.objective.minimized).filter { !$0.contains(where: \.isNaN) }
        let reference = Hypervolume.nadirReference(points)
        var front: [[Double]] = []
        var volume = 0.0
        return points.map { p in
            // Only a point the front does not already cover changes the volume.
            if !front.contains(where: { $0 == p || ParetoFront.dominates($0, p) }) {
                front.removeAll { ParetoFront.dominates(p, $0) }
                front.append(p)
                volume = Hypervolume.compute(front, reference: reference)
            }
            return volume
        }
    }

    var hypervolumeHistory: SVGPlot? {
        guard let series = hypervolumeSoFar, series.count >= 2 else { return nil }
        let x = PlotAxis.fitting("completed trials", [1, Double(series.count)])
        let y = PlotAxis.fitting("hypervolume", [0] + series)
        var plot = SVGPlot(title: "Hypervolume", x: x, y: y)
        let line = series.enumerated().compactMap { i, v in x.fraction(Double(i + 1)).flatMap { fx in y.fraction(v).map { (fx, $0) } } }
        plot.lines([line], color: HTMLReport.red, width: 2, label: "front so far")
        return plot
    }

    /// Draws a 2-D Pareto front: `points` hold one value per objective (the first two are drawn);
    /// non-dominated points in red joined by the front's staircase, the others grey. The hook for
    /// Pareto mode (`multi_objective = "pareto"`), whose trials store one value per objective.
    public static func paretoFront(_ points: [[Double]], names: [String], directions: [Objective.Direction]) -> SVGPlot? {
        let pts = points.filter { $0.count >= 2 && $0[0].isFinite && $0[1].isFinite }
        guard !pts.isEmpty, names.count >= 2, directions.count >= 2 else { return nil }
        let front = nonDominated(pts, directions: directions)
        let x = PlotAxis.fitting(names[0], pts.map { $0[0] }), y = PlotAxis.fitting(names[1], pts.map { $0[1] })
        var plot = SVGPlot(title: "Pareto front", x: x, y: y)
        func f(_ p: [Double]) -> (Double, Double)? { x.fraction(p[0]).flatMap { fx in y.fraction(p[1]).map { (fx, $0) } } }
        plot.dots(pts.filter { p in !front.contains { $0 == p } }.compactMap(f), color: grey, label: "dominated")
        var stairs: [(Double, Double)] = []
        for (i, p) in front.enumerated() {
            if i > 0, let a = f([p[0], front[i - 1][1]]) { stairs.append(a) }
            if let b = f(p) { stairs.append(b) }
        }
        plot.lines([stairs], color: red, width: 1)
        plot.dots(front.compactMap(f), color: red, size: 6, label: "front")
        return plot
    }

    /// The points no other point dominates in their first two values (each once), by the first
    /// value. O(n log n): sorted best-first on the first objective, a point is on the front when it
    /// beats every earlier one on the second.
    public static func nonDominated(_ points: [[Double]], directions: [Objective.Direction]) -> [[Double]] {
        func better(_ a: Double, _ b: Double, _ d: Objective.Direction) -> Bool { d == .max ? a > b : a < b }
        let sorted = points.sorted { a, b in
            a[0] != b[0] ? better(a[0], b[0], directions[0]) : better(a[1], b[1], directions[1])
        }
        var front: [[Double]] = []
        for p in sorted where front.last.map({ better(p[1], $0[1], directions[1]) }) ?? true { front.append(p) }
        return front.sorted { $0[0] < $1[0] }
    }

    // MARK: - Timeline

    /// Each trial as a bar from its start to its end (running ones to now), one row and one colour
    /// per worker; failed and pruned trials end in a cross.
    var timeline: SVGPlot? {
        let timed = data.trials.filter { $0.started != nil }
        guard let t0 = timed.compactMap(\.started).min() else { return nil }
        let end: (Trial) -> Double = { $0.ended ?? max($0.started!, self.now) }
        let t1 = timed.map(end).max() ?? t0
        let names: Set<String> = Set(timed.map { $0.worker ?? "?" })
        // tuner2 before tuner10.
        let workers: [String] = names.sorted { (a: String, b: String) -> Bool in a.count != b.count ? a.count < b.count : a < b }
        let x = PlotAxis.fitting("seconds since the first trial started", [0, t1 - t0])
        let y = PlotAxis(label: "worker", scale: .categorical(workers))
        var plot = SVGPlot(title: "Timeline", x: x, y: y, width: 720, height: max(180, 80 + 28 * Double(workers.count)))
        let thickness = min(16, plot.plotHeight / Double(workers.count) * 0.6)
        for (i, w) in workers.enumerated() {
            let fy = y.fraction(HPValue.string(w)) ?? 0
            let mine = timed.filter { ($0.worker ?? "?") == w }
            plot.bars(mine.compactMap { t in
                x.fraction(t.started! - t0).flatMap { a in x.fraction(end(t) - t0).map { (a, $0, fy) } }
            }, thickness: thickness, color: HTMLReport.palette[i % HTMLReport.palette.count], label: w)
        }
        func ends(_ status: TrialStatus...) -> [(Double, Double)] {
            timed.filter { status.contains($0.status) }.compactMap { t in
                x.fraction(end(t) - t0).flatMap { fx in y.fraction(HPValue.string(t.worker ?? "?")).map { (fx, $0) } }
            }
        }
        plot.crosses(ends(.failed, .invalid), color: "#000", label: "failed")
        plot.crosses(ends(.pruned), color: "#555", label: "pruned")
        return plot
    }
}
