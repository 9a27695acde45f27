import ArgumentParser
import Engine

/// `tunelua summary DIR/PROJECT [N]`: prints an existing project's results, the same text as
/// `tuner:results_summary(N)`, without opening the project for writing.
enum Summary {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 1 || arguments.count == 2, let path = arguments.first else {
            writeError("usage: tunelua summary DIRECTORY/PROJECT_NAME [NUM_TRIALS]\n")
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
            print(try Tuner.summary(ofProjectAt: path, numTrials: count), terminator: "")
        } catch {
            writeError("tunelua summary: \(error)\n")
            throw ExitCode(1)
        }
    }
}
