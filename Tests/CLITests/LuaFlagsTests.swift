import Foundation
import Testing

/// The flags a `lua` user types, behaving as they do in `lua` (docs/command-line.md).
struct LuaFlagsTests {
    static let version = "tunelua 0.1.0 (Lua 5.4)\n"

    /// `lua -v` prints the version and, with nothing else to run, stops: standard input is not
    /// read as a script (as `lua -v < file` does not run the file).
    @Test func dashVPrintsTheVersionAndStops() throws {
        let result = try Tunelua.run(["-v"], input: "print('ran')\n")
        #expect(result.status == 0)
        #expect(result.stdout == Self.version)
        #expect(result.stderr.isEmpty)
    }

    @Test func dashVThenRunsWhatElseIsGiven() throws {
        #expect(try Tunelua.run(["-v", "-e", "print(6 * 7)"]).stdout == Self.version + "42\n")
        let path = try Tunelua.script("print('script', ...)")
        #expect(try Tunelua.run(["-v", path, "a"]).stdout == Self.version + "script\ta\n")
    }

    @Test func dashRunsStandardInputWithArguments() throws {
        let result = try Tunelua.run(["-", "a", "b"], input: "print(arg[0], arg[1], ...)\n")
        #expect(result.status == 0)
        #expect(result.stdout == "-\ta\ta\tb\n")
        let failing = try Tunelua.run(["-"], input: "error('from stdin')\n")
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("stdin:1: from stdin"))
    }

    /// Workers run the script read from standard input too, with the same arguments: here the
    /// project's name comes from them, so a worker that lost them would search another project.
    @Test func dashScriptRunsInEveryWorkerWithItsArguments() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dash-workers-\(UUID().uuidString)")
        let script = """
            local kt = require "tunelua"
            local name = ...
            local tuner = kt.RandomSearch{ objective = "loss", max_trials = 4, seed = 3, workers = 2, verbose = 0,
              directory = "\(directory.path)", project_name = name,
              run_trial = function(self, trial) local x = trial.hyperparameters.Float("x", 0, 1); os.execute("sleep 0.2"); return x end }
            tuner:search()
            local workers = {}
            for _, t in pairs(tuner.oracle.trials) do workers[t.worker] = true end
            print(name, workers.tuner0 and workers.tuner1 and "both" or "one")
            """
        let result = try Tunelua.run(["-", "from-args"], input: script)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "from-args\tboth\n")
    }

    @Test func dashRunsAfterChunks() throws {
        let result = try Tunelua.run(["-e", "x = 40", "-"], input: "print(x + 2)\n")
        #expect(result.stdout == "42\n")
    }

    /// After `--`, a word that starts with `-` is the script (or one of its arguments), never an
    /// option.
    @Test func doubleDashEndsTheOptions() throws {
        let path = try Tunelua.script("print('named', ...)", name: "-v.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let result = try Tunelua.run(["--", "-v.lua", "-e", "--workers"], directory: directory)
        #expect(result.status == 0)
        #expect(result.stdout == "named\t-e\t--workers\n")
        let script = try Tunelua.script("print(...)")
        #expect(try Tunelua.run(["-e", "io.write('first ')", "--", script, "-i"]).stdout == "first -i\n")
    }

    @Test func helpListsTheNewFlags() throws {
        let help = try Tunelua.run(["--help"]).stdout
        #expect(help.contains("[-v]"))
        #expect(help.contains("[--stubs <dir>]"))
        for flag in ["[--sandbox]", "[--allow <dir> ...]", "[--cpu-limit <seconds>]", "[--time-limit <seconds>]"] {
            #expect(help.contains(flag), "\(flag) missing from:\n\(help)")
        }
    }
}
