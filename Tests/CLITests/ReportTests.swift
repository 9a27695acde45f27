import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `tunelua report`, `tunelua export` and `tunelua summary` on real projects (docs/command-line.md):
/// the export read back by Python's csv and strict json parsers equals the database, the report
/// renders in headless Chromium with every plot and no console error, and all three read a
/// project while a search writes it.
struct ReportTests {
    /// A black-box search with every hyperparameter kind, a conditional one, Choice values that
    /// need CSV quoting, failures, pruned trials and two workers. `spin` seconds of work per step
    /// keep a search running while a test reads it, until the file `arg[3]` exists.
    static func blackBoxScript(trials: Int, workers: Int = 2, spin: Double = 0) -> String {
        """
        local kt = require "tunelua"
        local function slow()
          local f = arg[3] and io.open(arg[3])
          if f then f:close() return 0 end
          return \(spin)
        end
        local function run(self, trial)
          local hp = trial.hyperparameters
          local lr = hp:Float("lr", 1e-4, 1e-1, { sampling = "log" })
          local units = hp:Int("units", 8, 128, { step = 8 })
          local act = hp:Choice("activation", { "relu", "tanh, scaled", 'gelu "fast"' })
          local momentum = hp:Fixed("momentum", 0.9)
          local rate = 0
          if hp:Boolean("dropout") then
            rate = hp:Float("rate", 0.0, 0.5, { parent_name = "dropout", parent_values = { true } })
          end
          if units == 64 or units == 16 then error(kt.errors.FailedTrialError("units " .. units .. " is unlucky")) end
          local v
          for step = 0, 9 do
            local t, pause = os.clock(), slow()
            while os.clock() - t < pause do end
            v = (math.log(lr, 10) + 2.5) ^ 2 + (units - 80) ^ 2 / 5000 + rate + (act == "relu" and 0 or 0.3) + 1 / (step + 1) + momentum / 10
            trial:report(step, v)
            if trial:should_prune() then return end
          end
          return { loss = v, accuracy = 1 / (1 + v) }
        end
        local tuner = kt.RandomSearch{ objective = kt.Objective("loss", "min"), max_trials = \(trials), seed = 7,
          directory = arg[1], project_name = arg[2], verbose = 0, workers = \(workers),
          pruner = kt.pruners.MedianPruner{ n_startup_trials = 6, n_warmup_steps = 3 }, run_trial = run }
        tuner:search()
        print("searched")
        """
    }

    /// A small Keras search: a conditional hidden layer, a log-sampled learning rate, two epochs.
    static let kerasScript = """
        local kt = require "tunelua"
        local keras = require "tunelua.keras"
        local data = require "tunelua.data"
        local x, y = data.csv(arg[3] .. "/data/digits.csv")
        local x_train, y_train, x_val, y_val = data.split(x / 16, y, { fraction = 0.8, seed = 1 })
        local function build(hp)
          local model = keras.Sequential()
          model:add(keras.layers.Dense{ units = hp:Int("units", 16, 64, { step = 16 }), activation = hp:Choice("activation", { "relu", "tanh" }),
                                        input_shape = { 64 } })
          if hp:Boolean("second_layer") then
            hp:conditional_scope("second_layer", { true }, function()
              model:add(keras.layers.Dense{ units = hp:Int("second_units", 8, 32, { step = 8 }), activation = "relu" })
            end)
          end
          model:add(keras.layers.Dense{ units = 10 })
          model:compile{ optimizer = keras.optimizers.Adam{ learning_rate = hp:Float("learning_rate", 1e-4, 1e-2, { sampling = "log" }) },
                         loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true }, metrics = { "accuracy" } }
          return model
        end
        local tuner = kt.RandomSearch{ build, objective = "val_accuracy", max_trials = 4, seed = 3,
                                       directory = arg[1], project_name = arg[2], verbose = 0 }
        tuner:search(x_train, y_train, { epochs = 2, validation_data = { x_val, y_val }, verbose = 0 })
        print("searched")
        """

    /// A Pareto search (docs/reference.md, "Pareto mode") on f1 = x², f2 = (x − 2)², with reports.
    static let paretoScript = """
        local kt = require "tunelua"
        local tuner = kt.RandomSearch{ objective = { kt.Objective("f1", "min"), kt.Objective("f2", "min") },
          multi_objective = "pareto", max_trials = 12, seed = 5, directory = arg[1], project_name = arg[2], verbose = 0,
          run_trial = function(self, trial)
            local x, y = trial.hyperparameters:Float("x", -1, 3), trial.hyperparameters:Int("y", 0, 3)
            for step = 0, 2 do trial:report(step, { f1 = x * x + y / (step + 1), f2 = (x - 2) ^ 2 + y / (step + 1) }) end
            return { f1 = x * x + y / 3, f2 = (x - 2) ^ 2 + y / 3 }
          end }
        tuner:search()
        print("searched")
        """

    /// A fresh directory for one test's projects.
    static func directory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tunelua-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func search(_ code: String, _ dir: String, _ project: String) throws {
        let r = try Tunelua.run([try Tunelua.script(code), dir, project, Tunelua.luaTests.path])
        #expect(r.status == 0 && r.stdout.contains("searched"), "\(r.stderr)")
    }

    static let helpers = Tunelua.repository.appendingPathComponent("Tests/report")

    static func python(_ script: String, _ arguments: [String]) throws -> Tunelua.Result {
        try Tunelua.run([helpers.appendingPathComponent(script).path] + arguments, executable: "/usr/bin/python3")
    }

    /// The Python helper's verdict on `export` of `dir/project` (CSV and JSON) against its database.
    static func checkExport(_ dir: String, _ project: String) throws -> String {
        let csv = dir + "/\(project).csv", json = dir + "/\(project).json"
        let a = try Tunelua.run(["export", dir + "/" + project, "--format", "csv", "-o", csv])
        let b = try Tunelua.run(["export", dir + "/" + project, "--format", "json", "-o", json])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let r = try python("check_export.py", [dir + "/" + project + "/tunelua.db", csv, json])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        return r.stdout
    }

    @Test func exportReadsBackExactlyWhatTheDatabaseHolds() throws {
        let dir = try Self.directory()
        try Self.search(Self.blackBoxScript(trials: 30), dir, "bb")
        let verdict = try Self.checkExport(dir, "bb")
        #expect(verdict == "ok 30 trials, 16 columns\n", "\(verdict)")

        let csv = try Tunelua.run(["export", dir + "/bb"])
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("trial_id,status,score,best_step,started,ended,duration_s,worker,params_lr,params_units,params_activation,params_momentum,params_dropout,params_rate,metrics_accuracy,metrics_loss\r\n"),
                "\(csv.stdout.prefix(300))")
        #expect(csv.stdout == (try String(contentsOfFile: dir + "/bb.csv", encoding: .utf8)), "standard output and -o write the same")
        #expect(csv.stdout.contains(",\"tanh, scaled\",") || csv.stdout.contains(",\"gelu \"\"fast\"\"\","), "RFC 4180 quoting")
        #expect(csv.stdout.contains(",0.9,"), "a Fixed 0.9 reads 0.9")
        #expect(csv.stdout.contains(",FAILED,"))
        #expect(csv.stdout.contains(",PRUNED,"))
        let json = try String(contentsOfFile: dir + "/bb.json", encoding: .utf8)
        #expect(json.hasPrefix("[\n{\"trial_id\":\"00\",\"status\":"))
        #expect(!json.contains("NaN") && !json.contains("Infinity"))
        #expect(try Regex(#"\"started\":\"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\""#).firstMatch(in: json) != nil)

        // -o onto something that is not a regular file writes into it, never renames over it.
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let piped = try Tunelua.run(["-c", "timeout 20 cat \"$0\" > \"$0.out\" & \"$TUNELUA\" export \"$1\" -o \"$0\"; s=$?; wait; exit $s", fifo, dir + "/bb"],
                                    executable: "/bin/sh", environment: ["TUNELUA": Tunelua.binary])
        #expect(piped.status == 0, "\(piped.stderr)")
        var st = stat()
        #expect(stat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "the FIFO is still a FIFO")
        #expect((try? String(contentsOfFile: fifo + ".out", encoding: .utf8)) == csv.stdout)

        let bad = try Tunelua.run(["export", dir + "/bb", "--format", "xml"])
        #expect(bad.status == 2 && bad.stderr.contains("--format must be csv or json"))
        let missing = try Tunelua.run(["export", dir + "/nothing"])
        #expect(missing.status == 1 && missing.stderr.contains("no tunelua project"), "\(missing.stderr)")
    }

    /// The plots of docs/command-line.md, by their `<title>`.
    static let plotTitles = ["Optimization history", "Hyperparameter importance", "Parallel coordinates", "Contour",
                             "Intermediate values", "Timeline"]

    @Test(.timeLimit(.minutes(3)))
    func reportOfRealProjectsRendersInHeadlessChromium() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(chromium != nil, "headless Chromium is needed (tools/deps installs Debian's chromium package)")
        let dir = try Self.directory()
        try Self.search(Self.blackBoxScript(trials: 30), dir, "bb")
        try Self.search(Self.kerasScript, dir, "keras")
        try Self.search(Self.paretoScript, dir, "pareto")
        for (project, hyperparameters, trials) in [("bb", 6, 30), ("keras", 5, 4), ("pareto", 2, 12)] {
            let page = dir + "/\(project).html"
            let r = try Tunelua.run(["report", dir + "/" + project, "-o", page])
            #expect(r.status == 0 && r.stdout == "Wrote \(page) (\(trials) trials)\n", "\(r.stdout)\(r.stderr)")
            let html = try String(contentsOfFile: page, encoding: .utf8)
            // Self-contained: nothing fetched (the SVG namespace is a name, not a request).
            #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
            #expect(!html.contains("<script src") && !html.contains("<link"))
            #expect(html.contains("PED-ANOVA"), "the report says how importance was computed")
            #expect(html.contains(project == "pareto" ? "<p>Pareto front: " : "<p>Best trial <b>"), "\(project): the best trials named")

            // Each browser run bounded by timeout(1): a hung Chromium fails the test, never stalls it.
            let dom = try Tunelua.run(["60", chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                                       "--dump-dom", "file://" + page], executable: "/usr/bin/timeout")
            #expect(dom.status == 0, "\(dom.stderr.suffix(2000))")
            let console = dom.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
            #expect(console.isEmpty, "console messages: \(console)")
            for title in Self.plotTitles + (project == "pareto" ? ["Pareto front", "Hypervolume"] : []) {
                #expect(dom.stdout.contains("<title>\(title)</title>"), "\(project): no plot titled \(title)")
            }
            #expect(dom.stdout.components(separatedBy: "<title>Slice</title>").count - 1 == hyperparameters, "\(project): one slice per hyperparameter")
            #expect(dom.stdout.components(separatedBy: "<tr><td>").count - 1 == trials, "\(project): one table row per trial")

            let shot = dir + "/\(project).png"
            let s = try Tunelua.run(["60", chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--force-device-scale-factor=0.5",
                                     "--window-size=1200,3000", "--screenshot=" + shot, "file://" + page], executable: "/usr/bin/timeout")
            #expect(s.status == 0, "\(s.stderr.suffix(2000))")
            let stats = try Self.python("png_stats.py", [shot])
            #expect(stats.status == 0, "\(stats.stderr)")
            let words = stats.stdout.split(separator: " ")
            let colors = words.count == 7 ? Int(words[4]) ?? 0 : 0, ink = words.count == 7 ? Double(words[6].dropLast()) ?? 0 : 0
            #expect(colors > 50 && ink > 0.05, "\(project): the screenshot looks blank: \(stats.stdout)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func summaryReportAndExportReadAProjectWhileASearchWritesIt() throws {
        let dir = try Self.directory()
        let search = Process()
        search.executableURL = URL(fileURLWithPath: Tunelua.binary)
        let release = dir + "/release"
        search.arguments = [try Tunelua.script(Self.blackBoxScript(trials: 400, spin: 0.01)), dir, "live", release]
        search.standardOutput = FileHandle.nullDevice
        search.standardError = FileHandle.nullDevice
        try search.run()
        defer { if search.isRunning { search.terminate() } }
        let watch = Process()
        watch.executableURL = URL(fileURLWithPath: Tunelua.binary)
        watch.arguments = ["report", "--watch", "--interval", "0.2", dir + "/live"]
        FileManager.default.createFile(atPath: dir + "/live.watch", contents: nil)
        watch.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/live.watch"))
        watch.standardError = watch.standardOutput
        try watch.run()
        defer { if watch.isRunning { watch.terminate() } }
        var readsDuringSearch = 0
        var lastCount = 0
        var lastError = ""
        for _ in 0..<200 where search.isRunning {
            let export = try Tunelua.run(["export", dir + "/live", "--format", "json"])
            lastError = export.stderr
            if export.status == 1 && export.stderr.contains("no tunelua project") { usleep(50_000); continue }
            let summary = try Tunelua.run(["summary", dir + "/live", "3"])
            let report = try Tunelua.run(["report", dir + "/live", "-o", dir + "/live.html"])
            #expect(export.status == 0 && summary.status == 0 && report.status == 0, "\(export.stderr)\(summary.stderr)\(report.stderr)")
            #expect(summary.stdout.hasPrefix("Results summary\nResults in \(dir)/live\n"))
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count >= lastCount, "trials never disappear")
            lastCount = rows.count
            for row in rows {
                // Whole trials only: an ended trial has its end time and, when completed, its metrics.
                let status = row["status"] as? String
                if status == "RUNNING" {
                    #expect(row["ended"] is NSNull)
                } else {
                    #expect(row["ended"] is String, "\(row)")
                }
                if status == "COMPLETED" {
                    #expect((row["metrics_loss"] as? Double) == (row["score"] as? Double), "\(row)")
                }
            }
            if search.isRunning { readsDuringSearch += 1 }
            if readsDuringSearch >= 5 { break }
        }
        #expect(readsDuringSearch >= 3, "the readers ran while the search wrote (\(lastError))")
        // The search goes on at full speed.
        FileManager.default.createFile(atPath: release, contents: Data())
        search.waitUntilExit()
        #expect(search.terminationStatus == 0, "the search was never blocked by its readers")
        let verdict = try Self.checkExport(dir, "live")
        #expect(verdict == "ok 400 trials, 16 columns\n", "\(verdict)")
        // --watch ends by itself once the search is over, its last report with every trial.
        watch.waitUntilExit()
        #expect(watch.terminationStatus == 0)
        let log = (try? String(contentsOfFile: dir + "/live.watch", encoding: .utf8)) ?? ""
        #expect(log.hasSuffix("Wrote \(dir)/live/report.html (400 trials)\n"), "\(log.suffix(500))")
        #expect(log.components(separatedBy: "Wrote").count > 2, "the report was rewritten while the search ran")
    }
}

/// The same readers on a PostgreSQL project (`--storage URL PROJECT`), while a peer searches it.
@Suite(.serialized, .enabled(if: TestPostgres.url != nil, TestPostgres.skipped))
struct PostgresReportTests {
    @Test(.timeLimit(.minutes(3)))
    func summaryReportAndExportReadAPostgreSQLProjectWhileASearchWritesIt() throws {
        let url = TestPostgres.url!
        let dir = try ReportTests.directory()
        let project = TestPostgres.project("report")
        let release = dir + "/release"
        let search = try TestPostgres.start(try Tunelua.script(ReportTests.blackBoxScript(trials: 60, spin: 0.03)), [dir, project, release])
        var reads = 0
        for _ in 0..<300 where search.0.isRunning && reads < 3 {
            let export = try Tunelua.run(["export", "--storage", url, project, "--format", "json"])
            if export.status != 0 { usleep(100_000); continue }  // the peer has not created the project yet
            let report = try Tunelua.run(["report", "--storage", url, project, "-o", dir + "/pg.html"])
            let summary = try Tunelua.run(["summary", "--storage", url, project, "2"])
            #expect(report.status == 0 && summary.status == 0, "\(report.stderr)\(summary.stderr)")
            #expect(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) is [[String: Any]])
            if search.0.isRunning { reads += 1 }
        }
        #expect(reads >= 3, "the readers ran while the search wrote")
        FileManager.default.createFile(atPath: release, contents: Data())
        let result = TestPostgres.finish(search)
        #expect(result.status == 0, "\(result.stderr)")

        // The CSV's first eight columns hold no commas: trial_id, status, score, …, worker.
        let export = try Tunelua.run(["export", "--storage", url, project])
        let rows = export.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            .map { $0.split(separator: ",", maxSplits: 8, omittingEmptySubsequences: false).map(String.init) }
        let stored = try TestPostgres.query("SELECT trial_id, status, score, worker FROM tunelua_trials WHERE project = '\(project)' ORDER BY idx")
        #expect(rows.count == 60 && stored.count == 60)
        for (row, db) in zip(rows, stored) {
            #expect(row[0] == db[0] && row[1] == db[1] && row[7] == db[3], "\(row) vs \(db)")
            #expect(Double(row[2]) == Double(db[2]), "scores read back exactly: \(row[2]) vs \(db[2])")
        }
        // Without -o the report lands in the current directory, named after the project.
        let report = try Tunelua.run(["report", "--storage", url, project], directory: URL(fileURLWithPath: dir))
        #expect(report.status == 0 && report.stdout == "Wrote \(project)-report.html (60 trials)\n", "\(report.stdout)\(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/\(project)-report.html"))
    }
}
