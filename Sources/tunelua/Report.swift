import ArgumentParser
import Engine
import Foundation

/// `tunelua report DIR/PROJECT [-o FILE] [--watch [--interval S]]`: writes the project's HTML
/// report (default `DIR/PROJECT/report.html`); `--watch` rewrites it every few seconds until the
/// search ends.
enum Report {
    static let usage = "usage: tunelua report DIRECTORY/PROJECT_NAME [-o FILE.html] [--watch [--interval SECONDS]]\n       tunelua report --storage URL PROJECT_NAME [-o FILE.html] [--watch [--interval SECONDS]]\n"

    static func run(_ arguments: [String]) throws {
        let args = try ProjectArguments(arguments, command: "report", valueOptions: ["-o", "--interval"],
                                        flagOptions: ["--watch"], usage: usage)
        guard args.positional.count == 1, let path = args.positional.first else {
            writeError(usage)
            throw ExitCode(2)
        }
        let interval = args.options["--interval"].map { Double($0) } ?? 5
        guard let interval, interval > 0, interval.isFinite else {
            writeError("tunelua report: --interval must be a positive number of seconds, got '\(args.options["--interval"] ?? "")'\n")
            throw ExitCode(2)
        }
        let watch = args.flags.contains("--watch")
        try args.failing {
            var waiting = false
            while true {
                // Asked before the read: when the search ended before it, this report is the last.
                let searching = watch && (args.storage != nil || SQLiteStore.writerProcess(ofProjectAt: path) != nil)
                let store: ProjectStore, data: ReportData, file: String
                do {
                    store = try args.openStore(path)
                    defer { store.close() }
                    file = args.output ?? store.defaultReportPath
                    data = try HTMLReport.write(from: store, to: file)
                } catch let e as EngineError where watch && e.kind == .notFound {
                    // Watching a search that has not created its project yet.
                    if !waiting { print("Waiting for \(path)") }
                    waiting = true
                    Thread.sleep(forTimeInterval: interval)
                    continue
                }
                let running = data.trials.filter { $0.status == .running }.count
                print("Wrote \(file) (\(data.trials.count) trial\(data.trials.count == 1 ? "" : "s")\(running > 0 ? ", \(running) running" : ""))")
                // Watching ends with the search: no process holds the SQLite project, no trial of
                // the PostgreSQL project runs.
                guard searching && (args.storage == nil || running > 0) else { return }
                Thread.sleep(forTimeInterval: interval)
            }
        }
    }
}
