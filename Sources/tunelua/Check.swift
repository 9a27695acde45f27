import ArgumentParser
import Engine

/// `tunelua check DIR/PROJECT`: the integrity check of a project (what every open checks, plus
/// `PRAGMA quick_check` and a read of every row), without writing a byte. Exit 0 when sound.
enum Check {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 1, let path = arguments.first else {
            writeError("usage: tunelua check DIRECTORY/PROJECT_NAME\n")
            throw ExitCode(2)
        }
        do {
            print(try SQLiteStore.check(projectAt: path))
        } catch {
            writeError("tunelua check: \(error)\n")
            throw ExitCode(1)
        }
    }
}
