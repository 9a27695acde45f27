import ArgumentParser
import Engine
import Foundation

/// `tunelua export DIR/PROJECT [--format csv|json] [-o FILE]`: every trial as CSV (default) or
/// JSON, to standard output or FILE (docs/command-line.md has the columns).
enum Export {
    static let usage = "usage: tunelua export DIRECTORY/PROJECT_NAME [--format csv|json] [-o FILE]\n       tunelua export --storage URL PROJECT_NAME [--format csv|json] [-o FILE]\n"

    static func run(_ arguments: [String]) throws {
        let args = try ProjectArguments(arguments, command: "export", valueOptions: ["--format", "-o"], usage: usage)
        guard args.positional.count == 1, let path = args.positional.first else {
            writeError(usage)
            throw ExitCode(2)
        }
        let name = args.options["--format"] ?? "csv"
        guard let format = TrialExport.Format(rawValue: name) else {
            writeError("tunelua export: --format must be csv or json, got '\(name)'\n")
            throw ExitCode(2)
        }
        try args.failing {
            let store = try args.openStore(path)
            defer { store.close() }
            let text = TrialExport(try ReportData(store: store)).render(format)
            if let file = args.output {
                try HTMLReport.writeAtomically(text, to: file)
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}
