import ArgumentParser
import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `tunelua [options] [script [args]]`, shaped like the standalone `lua` command.
struct TuneluaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunelua",
        abstract: "A hyperparameter tuner with Keras Tuner's API, scripted in Lua.",
        discussion: """
            tunelua search.lua [args]   run a tuning script (arg[1..] hold the args)
            tunelua                     start the interactive REPL
            tunelua -i search.lua       run a script, then the REPL
            tunelua -e 'print(1)'       run a one-liner
            tunelua - [args]            run the script read from standard input
            tunelua -v                  print the version (then run what else is given)
            tunelua --stubs DIR         write LuaLS annotation files for editors into DIR
            tunelua summary DIR/PROJECT print the results of an existing project
            tunelua report DIR/PROJECT  write its HTML report (plots and every trial)
            tunelua export DIR/PROJECT  write its trials as CSV or JSON (--format json)
            tunelua check DIR/PROJECT   check a project's database (read-only)
            """,
        version: "tunelua \(Tunelua.version) (\(Tunelua.luaVersion))"
    )

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CHUNK (may be repeated).", valueName: "chunk"))
    var chunks: [String] = []

    @Flag(name: .customShort("i"), help: "Enter the REPL after running the script or chunks.")
    var interactive = false

    @Option(name: .customLong("memory-limit"), help: ArgumentHelp("Cap on the process's memory (every Lua heap and the engine's buffers), e.g. 512M or 4G (default: half the machine's memory).", valueName: "size"))
    var memoryLimit: String?

    @Option(name: .customLong("workers"), help: ArgumentHelp("Run each search with N workers (parallel trials; \"auto\" = one per CPU) unless its tuner says otherwise.", valueName: "n"))
    var workers: String?

    @Flag(name: .customLong("sandbox"), help: "Run a script you did not write: safe libraries only, files only inside the --allow directories (docs/sandbox.md).")
    var sandbox = false

    @Option(name: .customLong("allow"), help: ArgumentHelp("With --sandbox: a directory the script may read and write (may be repeated; default: the script's folder).", valueName: "dir"))
    var allowed: [String] = []

    @Option(name: .customLong("cpu-limit"), help: ArgumentHelp("Fail a trial that uses more than SECONDS of CPU time (its thread's); the next trial runs.", valueName: "seconds"))
    var cpuLimit: Double?

    @Option(name: .customLong("time-limit"), help: ArgumentHelp("End the whole run after SECONDS of wall-clock time (exit status 1).", valueName: "seconds"))
    var timeLimit: Double?

    @Flag(name: .customShort("v"), help: "Print the version, as `lua -v` does (then run the script or chunks, if any).")
    var showVersion = false

    @Option(name: .customLong("stubs"), help: ArgumentHelp("Write LuaLS annotation files (tunelua.lua, tunelua/keras.lua, tunelua/data.lua) into DIR and exit.", valueName: "dir"))
    var stubsDirectory: String?

    /// The script and its arguments: everything from the first word that is not an option on,
    /// which `main` splits off before parsing so that options after it belong to the script.
    var script: [String] = []

    enum CodingKeys: String, CodingKey {
        case chunks, interactive, memoryLimit, workers, sandbox, allowed, cpuLimit, timeLimit, showVersion, stubsDirectory
    }

    /// The options that take a value (the word after them is not the script).
    static let optionsWithValues: Set<String> = ["-e", "--memory-limit", "--workers", "--stubs", "--allow", "--cpu-limit", "--time-limit"]

    /// Splits the command line as `lua` does: options, then the script and its arguments.
    static func split(_ arguments: [String]) -> (options: [String], script: [String]) {
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            if word == "--" { return (Array(arguments[..<i]), Array(arguments[(i + 1)...])) }
            if optionsWithValues.contains(word) { i += 2; continue }
            if word.hasPrefix("-") && word != "-" { i += 1; continue }
            break
        }
        i = min(i, arguments.count)
        return (Array(arguments[..<i]), Array(arguments[i...]))
    }

    func run() throws {
        if showVersion { print(Self.configuration.version) }
        if let stubsDirectory {
            try Stubs.write(into: stubsDirectory)
            return
        }
        // As `lua -v`: the version alone is the whole run unless there is something to run.
        if showVersion && script.isEmpty && chunks.isEmpty && !interactive { return }
        if script.first == "summary" {
            try Summary.run(Array(script.dropFirst()))
            return
        }
        if script.first == "report" {
            try Report.run(Array(script.dropFirst()))
            return
        }
        if script.first == "export" {
            try Export.run(Array(script.dropFirst()))
            return
        }
        if script.first == "check" {
            try Check.run(Array(script.dropFirst()))
            return
        }
        var limit = LuaState.defaultMemoryLimit
        if let memoryLimit {
            guard let bytes = parseSize(memoryLimit) else {
                throw ValidationError("--memory-limit: cannot read '\(memoryLimit)' as a size (try 512M or 4G)")
            }
            limit = bytes
        }
        LuaState.limitProcessMemory(limit)
        let scriptPath = script.first
        let sandbox = try makeSandbox(scriptPath: scriptPath)
        for (name, value) in [("--cpu-limit", cpuLimit), ("--time-limit", timeLimit)] {
            if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(name): must be a positive number of seconds (got \(value))") }
        }
        if let timeLimit { Self.endRun(after: timeLimit) }
        let repl = interactive || (scriptPath == nil && chunks.isEmpty)
        let readsStandardInput = repl && isatty(0) == 0 && !interactive
        // `-` is the script read from standard input, as in `lua -` (workers run its text).
        let scriptFromStandardInput = scriptPath == "-"
        // What workers run: the same chunks and script (standard input's text once it is read).
        let program = ProgramBox(ScriptRunner.Program(chunks: chunks, script: scriptFromStandardInput ? nil : scriptPath, arguments: Array(script.dropFirst())))
        let canLaunch = scriptPath != nil || (!chunks.isEmpty && !repl) || readsStandardInput
        let launch: @Sendable (@escaping (LuaState) -> Void) -> Error? = { [limit] prepare in
            ScriptRunner.runWorker(program.program, memoryLimit: limit, host: program.host!, prepare: prepare)
        }
        let host = ScriptHost(defaultWorkers: workers, sandbox: sandbox, cpuLimit: cpuLimit, launch: canLaunch ? launch : nil)
        program.host = host
        let runner: ScriptRunner
        do {
            runner = try ScriptRunner(memoryLimit: limit, host: host)
        } catch {
            report(error)
            throw ExitCode(1)
        }
        runner.setArguments(script: scriptPath, arguments: Array(script.dropFirst()))

        for chunk in chunks {
            guard runner.runChunk(chunk, name: "=(command line)") else { throw ExitCode(1) }
        }
        if scriptFromStandardInput {
            guard runner.runStandardInput(arguments: Array(script.dropFirst()), read: { program.program.standardInput = $0 }) else { throw ExitCode(1) }
        } else if let scriptPath {
            guard runner.runScript(scriptPath, arguments: Array(script.dropFirst())) else { throw ExitCode(1) }
        }
        if interactive || (scriptPath == nil && chunks.isEmpty) {
            if isatty(0) != 0 || interactive {
                REPL(runner: runner, banner: !showVersion).run()
            } else {
                // As `lua` does: a non-terminal standard input is run as a script.
                guard runner.runStandardInput(read: { program.program.standardInput = $0 }) else { throw ExitCode(1) }
            }
        }
    }
}

extension TuneluaCommand {
    /// `--sandbox` with its `--allow` directories (the script's folder when none is named; the
    /// working directory for `-e`, standard input and the REPL).
    func makeSandbox(scriptPath: String?) throws -> Sandbox? {
        guard sandbox else {
            if !allowed.isEmpty { throw ValidationError("--allow: only with --sandbox") }
            return nil
        }
        var directories = allowed
        if directories.isEmpty {
            let folder = scriptPath.flatMap { $0 == "-" ? nil : ($0 as NSString).deletingLastPathComponent } ?? ""
            directories = [folder.isEmpty ? "." : folder]
        }
        do {
            return try Sandbox(allowing: directories)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `--time-limit`: the whole run ends at the limit, whatever it is doing (a script may catch
    /// any error, so nothing short of ending the process is certain to stop it). What a search
    /// committed stays, as after `kill -9`; the trial that was running runs again on resume.
    static func endRun(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            writeError("tunelua: stopped: the run reached its --time-limit of \(seconds) s\n")
            fflush(nil)
            _exit(1)
        }
    }
}

/// The program workers run, filled in as the main state learns it (standard input is read once).
final class ProgramBox: @unchecked Sendable {
    var program: ScriptRunner.Program
    weak var host: ScriptHost?
    init(_ program: ScriptRunner.Program) { self.program = program }
}

/// `512M`, `4G`, `1024` → bytes.
func parseSize(_ text: String) -> Int? {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = text.uppercased()
    if digits.hasSuffix("B") { digits.removeLast() }
    var multiplier = 1
    if let last = digits.last, let unit = units[last] {
        multiplier = unit
        digits.removeLast()
    }
    guard let value = Double(digits), value > 0 else { return nil }
    return Int(value * Double(multiplier))
}

func report(_ error: Error) {
    let text: String
    if let error = error as? LuaError { text = error.fullDescription } else { text = String(describing: error) }
    writeError("tunelua: \(text)\n")
}

func writeError(_ text: String) { Console.writeError(text) }
