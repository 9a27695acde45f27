import ArgumentParser
import Engine
import Foundation

/// `tunelua summary DIR/PROJECT [N]`: prints an existing project's results, the same text as
/// `tuner:results_summary(N)`, without opening the project for writing (also while a search
/// runs). `--storage URL PROJECT` (or `TUNELUA_STORAGE` and `PROJECT`) reads a PostgreSQL project.
enum Summary {
    static let usage = "usage: tunelua summary DIRECTORY/PROJECT_NAME [NUM_TRIALS]\n       tunelua summary --storage URL PROJECT_NAME [NUM_TRIALS]\n"

    static func run(_ arguments: [String]) throws {
        let args = try ProjectArguments(arguments, command: "summary", usage: usage)
        guard args.positional.count == 1 || args.positional.count == 2, let path = args.positional.first else {
            writeError(usage)
            throw ExitCode(2)
        }
        var count = 10
        if args.positional.count == 2 {
            guard let n = Int(args.positional[1]), n > 0 else {
                writeError("tunelua summary: NUM_TRIALS must be a positive integer, got '\(args.positional[1])'\n")
                throw ExitCode(2)
            }
            count = n
        }
        try args.failing {
            let store = try args.openStore(path)
            defer { store.close() }
            print(try Tuner.summary(of: store, numTrials: count), terminator: "")
        }
    }
}
