import ArgumentParser
/// `tunelua summary DIR/PROJECT`: prints an existing project's results.
enum Summary {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 1 else {
            writeError("usage: tunelua summary DIRECTORY/PROJECT_NAME\n")
            throw ExitCode(2)
        }
        writeError("tunelua summary: no project at '\(arguments[0])'\n")
        throw ExitCode(1)
    }
}
