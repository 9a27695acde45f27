import Testing
@testable import Engine

/// The report's and the export's building blocks: time and number formats, CSV quoting, axes,
/// PED-ANOVA importance and the Pareto front hook.
struct ReportTests {
    /// A snapshot of trials with values `values[i]` and scores `scores[i]` (nil: failed).
    private func data(_ space: [HyperParameter], _ values: [[(String, HPValue)]], _ scores: [Double?]) -> ReportData {
        let trials = zip(values, scores).enumerated().map { i, pair in
            let hps = HyperParameters()
            hps.values = HPValues(pair.0)
            let t = Trial(trialId: Trial.makeId(index: i, maxTrials: 10), index: i, hyperparameters: hps,
                          status: pair.1 == nil ? .failed : .completed)
            t.score = pair.1
            if let s = pair.1 { t.metrics.update("loss", s, direction: .min) }
            t.started = 1_796_333_405.1239 + Double(i)
            t.ended = t.started! + 0.5
            t.worker = "tuner\(i % 2)"
            return t
        }
        return ReportData(location: "dir/p", objective: Objective("loss", .min), space: space, trials: trials)
    }

    @Test func timesAreISO8601UTCWithMillisecondsRoundedDown() {
        #expect(TrialExport.isoTime(0) == "1970-01-01T00:00:00.000Z")
        #expect(TrialExport.isoTime(1_796_333_405.1239) == "2026-12-03T21:30:05.123Z")
        #expect(TrialExport.isoTime(1_796_333_405.9999) == "2026-12-03T21:30:05.999Z")
    }

    @Test func numbersAreTheShortestThatReadBack() {
        #expect(TrialExport.shortest(0.1) == "0.1")
        #expect(TrialExport.shortest(3) == "3")
        #expect(TrialExport.shortest(1e-5) == "1e-05")
        #expect(TrialExport.shortest(0.1 + 0.2) == "0.30000000000000004")
        for v in [1.0 / 3, 6.02e23, -2.5e-300, 123456789.123456789] { #expect(Double(TrialExport.shortest(v)) == v) }
    }

    @Test func csvQuotesAsRFC4180AndJSONKeepsEveryKey() throws {
        let space = [try HyperParameter.choice("note", values: [.string("a,b"), .string("say \"hi\""), .string("two\nlines")]),
                     try HyperParameter.float("x", minValue: 0, maxValue: 1)]
        let d = data(space, [[("note", .string("a,b")), ("x", .float(0.25))], [("note", .string("say \"hi\""))], [("note", .string("two\nlines"))]],
                     [0.5, nil, .infinity])
        let csv = TrialExport(d).csv
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "trial_id,status,score,best_step,started,ended,duration_s,worker,params_note,params_x,metrics_loss")
        #expect(lines[1] == "00,COMPLETED,0.5,0,2026-12-03T21:30:05.123Z,2026-12-03T21:30:05.623Z,0.5,tuner0,\"a,b\",0.25,0.5")
        #expect(lines[2].hasPrefix("01,FAILED,,0,") && lines[2].hasSuffix(",tuner1,\"say \"\"hi\"\"\",,"))
        #expect(lines[3].hasSuffix(",\"two\nlines\",,inf"))
        let json = TrialExport(d).json
        #expect(json.contains("\"params_x\":null") && json.contains("\"score\":null") && !json.contains("inf"))
        let objects = try #require(try JSON.parse(json).arrayValue)
        #expect(objects.count == 3)
        for o in objects {
            guard case let .object(pairs) = o else { Issue.record("not an object: \(o)"); continue }
            #expect(pairs.map(\.0) == TrialExport(d).columns)
        }
    }

    @Test func axesFollowTheSampling() throws {
        let log = PlotAxis.of(try .float("lr", minValue: 1e-4, maxValue: 1e-2, sampling: "log"), name: "lr", values: [])
        let mid = try #require(log.fraction(.float(1e-3)))
        #expect(abs(mid - 0.5) < 1e-9)
        #expect(log.ticks.map(\.1) == ["1e-04", "0.001", "0.01"])
        // A span of one ulp still ends (a bounded number of ticks).
        #expect(PlotAxis.fitting("s", [1e20, 1e20.nextUp]).ticks.count <= 12)
        let choice = PlotAxis.of(try .choice("act", values: [.string("relu"), .string("tanh")]), name: "act", values: [])
        #expect(choice.ticks.map(\.1) == ["relu", "tanh"] && choice.fraction(.string("tanh")) == 0.75)
    }

    @Test func pedANOVAFindsTheHyperparameterThatMatters() throws {
        let space = [try HyperParameter.float("x", minValue: 0, maxValue: 1), try HyperParameter.float("noise", minValue: 0, maxValue: 1)]
        var rng = SeededGenerator(seed: 3)
        var values: [[(String, HPValue)]] = [], scores: [Double?] = []
        for _ in 0..<200 {
            let x = Double.random(in: 0..<1, using: &rng), n = Double.random(in: 0..<1, using: &rng)
            values.append([("x", .float(x)), ("noise", .float(n))])
            scores.append((x - 0.3) * (x - 0.3))
        }
        let importance = Importance.pedANOVA(data(space, values, scores))
        #expect(importance.map(\.name) == ["x", "noise"])
        #expect(importance[0].importance > 0.8 && abs(importance.map(\.importance).reduce(0, +) - 1) < 1e-9, "\(importance)")
    }

    @Test func reportHasEveryPlotAndTheParetoHookDrawsTheFront() throws {
        let space = [try HyperParameter.float("x", minValue: 0, maxValue: 1), try HyperParameter.boolean("b")]
        let d = data(space, (0..<10).map { [("x", .float(Double($0) / 10)), ("b", .bool($0 % 2 == 0))] }, (0..<10).map { $0 == 3 ? nil : Double($0) })
        let report = HTMLReport(d, now: 1_796_333_500)
        #expect(report.plotTitles == ["Optimization history", "Hyperparameter importance", "Parallel coordinates", "Contour", "Slice", "Slice", "Timeline"])
        let html = report.render()
        #expect(html.contains("<title>Timeline</title>") && html.contains("Best trial <b>00</b>"))
        let points: [[Double]] = [[1, 3], [2, 2], [3, 1], [3, 3], [2.5, 2.5]]
        #expect(HTMLReport.nonDominated(points, directions: [.min, .min]) == [[1, 3], [2, 2], [3, 1]])
        #expect(HTMLReport.nonDominated(points, directions: [.max, .max]) == [[3, 3]])
        let front = try #require(HTMLReport.paretoFront(points, names: ["a", "b"], directions: [.min, .min]))
        let svg = front.render()
        #expect(svg.contains("<title>Pareto front</title>"))
        #expect(HTMLReport.paretoFront([], names: ["a", "b"], directions: [.min, .min]) == nil)
    }

    /// Pareto mode: the front is drawn from the values each trial keeps, and the hypervolume of
    /// the front so far never falls and grows only when a trial extends the front.
    @Test func paretoModeDrawsTheFrontAndTheHypervolumeSoFar() throws {
        let objective = try Objective(pareto: [Objective("f1", .min), Objective("f2", .min)])
        // (f1, f2) per trial: the third is dominated by the second, the fourth extends the front.
        let values: [(Double, Double)] = [(4, 0), (1, 1), (2, 2), (0, 4)]
        let trials = values.enumerated().map { i, v in
            let t = Trial(trialId: Trial.makeId(index: i, maxTrials: 10), index: i, hyperparameters: HyperParameters(), status: .completed)
            t.metrics.update("f1", v.0, direction: .min)
            t.metrics.update("f2", v.1, direction: .min)
            t.score = v.0 + v.1
            return t
        }
        let report = HTMLReport(ReportData(location: "dir/p", objective: objective, space: [], trials: trials), now: 0)
        #expect(report.objectivePoints == [[4, 0], [1, 1], [2, 2], [0, 4]])
        #expect(report.plotTitles.contains("Pareto front") && report.plotTitles.contains("Hypervolume"))
        // The reference point: each worst value pushed 10% of the range further, (4.4, 4.4).
        let reference = Hypervolume.nadirReference(report.objectivePoints)
        #expect(reference == [4.4, 4.4])
        let expected = [[[4.0, 0.0]], [[4.0, 0.0], [1, 1]], [[4.0, 0.0], [1, 1]], [[4.0, 0.0], [1, 1], [0, 4]]]
            .map { Hypervolume.compute($0, reference: reference) }
        #expect(report.hypervolumeSoFar == expected)
        #expect(expected[1] > expected[0] && expected[2] == expected[1] && expected[3] > expected[2])
        let svg = try #require(report.hypervolumeHistory).render()
        #expect(svg.contains("<title>Hypervolume</title>"))
        let sumMode = HTMLReport(ReportData(location: "dir/p", objective: try Objective(multi: [Objective("f1", .min), Objective("f2", .min)]),
                                            space: [], trials: trials), now: 0)
        #expect(sumMode.hypervolumeSoFar == nil && sumMode.hypervolumeHistory == nil, "no hypervolume without Pareto mode")
    }
}
