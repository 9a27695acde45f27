import ArgumentParser
import Engine
import Foundation

/// `tunelua summary DIR/PROJECT [N]`: prints an existing project's results, the same text as
/// `tuner:results_summary(N)`, without opening the project for writing. `--storage URL PROJECT`
/// (or `TUNELUA_STORAGE` and `PROJECT`) reads a PostgreSQL project instead.
enum Summary {
    static func run(_ arguments: [String]) throws {
        var arguments = arguments
        var storage = ProcessInfo.processInfo.environment["TUNELUA_STORAGE"].flatMap { $0.isEmpty ? nil : $0 }
        if let i = arguments.firstIndex(of: "--storage") {
            guard i + 1 < arguments.count else {
                writeError("tunelua summary: --storage needs a URL (postgresql://user:password@host:port/database)\n")
                throw ExitCode(2)
            }
            storage = arguments[i + 1]
            arguments.removeSubrange(i...(i + 1))
        }
        guard arguments.count == 1 || arguments.count == 2, let path = arguments.first else {
            writeError("usage: tunelua summary DIRECTORY/PROJECT_NAME [NUM_TRIALS]\n       tunelua summary --storage URL PROJECT_NAME [NUM_TRIALS]\n")
            throw ExitCode(2)
        }
        var count = 10
        if arguments.count == 2 {
            guard let n = Int(arguments[1]), n > 0 else {
                writeError("tunelua summary: NUM_TRIALS must be a positive integer, got '\(arguments[1])'\n")
                throw ExitCode(2)
            }
            count = n
        }
        do {
            if let storage {
                let store = try PostgresStore(readingProject: path, url: storage)
                defer { store.close() }
                print(try Tuner.summary(of: store, numTrials: count), terminator: "")
            } else {
                print(try Tuner.summary(ofProjectAt: path, numTrials: count), terminator: "")
            }
        } catch {
            writeError("tunelua summary: \(error)\n")
            throw ExitCode(1)
        }
    }
}
