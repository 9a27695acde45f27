import ArgumentParser
import Engine
import Foundation

/// The command line of a subcommand that reads a project (`summary`, `report`, `export`):
/// `DIR/PROJECT`, or `--storage URL PROJECT` (or `TUNELUA_STORAGE` and `PROJECT`) for a
/// PostgreSQL project, plus the subcommand's own options.
struct ProjectArguments {
    let command: String
    var positional: [String] = []
    var options: [String: String] = [:]
    var flags = Set<String>()
    var storage: String?

    /// Splits `arguments`: `valueOptions` take the next word, `flagOptions` stand alone; anything
    /// else starting with `-` is a usage error (exit 2, with `usage` printed).
    init(_ arguments: [String], command: String, valueOptions: Set<String> = [], flagOptions: Set<String> = [], usage: String) throws {
        self.command = command
        storage = ProcessInfo.processInfo.environment["TUNELUA_STORAGE"].flatMap { $0.isEmpty ? nil : $0 }
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            if word == "--storage" || valueOptions.contains(word) {
                guard i + 1 < arguments.count else {
                    let what = word == "--storage" ? "a URL (postgresql://user:password@host:port/database)" : "a value"
                    writeError("tunelua \(command): \(word) needs \(what)\n" + usage)
                    throw ExitCode(2)
                }
                if word == "--storage" { storage = arguments[i + 1] } else { options[word] = arguments[i + 1] }
                i += 2
            } else if flagOptions.contains(word) {
                flags.insert(word)
                i += 1
            } else if word.hasPrefix("-") && word.count > 1 {
                writeError("tunelua \(command): unknown option '\(word)'\n" + usage)
                throw ExitCode(2)
            } else {
                positional.append(word)
                i += 1
            }
        }
    }

    /// `-o FILE`, when given.
    var output: String? { options["-o"] }

    /// A store that reads the project without writing or taking its lock (also while a search
    /// writes it): PostgreSQL with a storage URL, else the SQLite project at `path`.
    func openStore(_ path: String) throws -> ProjectStore {
        if let storage { return try PostgresStore(readingProject: path, url: storage) }
        return try SQLiteStore(readingProjectAt: path)
    }

    /// Runs `body`, reporting an error as `tunelua COMMAND: message` with exit status 1.
    func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as ExitCode {
            throw e
        } catch {
            writeError("tunelua \(command): \(error)\n")
            throw ExitCode(1)
        }
    }
}
