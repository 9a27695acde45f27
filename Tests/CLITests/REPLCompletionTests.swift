import Foundation
import Testing

/// Tab completion and the printing of tuners, oracles and trials at the prompt, driven through a
/// pseudo-terminal: each test types a partial name and Tab, then Enter, and checks what the
/// program printed for the completed line (what was typed alone could not produce it).
@Suite(.serialized)
struct REPLCompletionTests {
    typealias Session = REPLTests.Session

    @Test func tabCompletesAModuleMember() throws {
        let session = try Session()
        #expect(session.expect("> "))
        session.send("kt = require 'tunelua'\n")
        session.send("kt.RandomSe\t")
        session.send("\n")
        #expect(session.expectLine { $0 == "<class 'RandomSearch'>" })
    }

    @Test func tabCompletesGlobalsAndKeywords() throws {
        let session = try Session()
        #expect(session.expect("> "))
        session.send("pri\t(6 * 7)\n")
        #expect(session.expectLine { $0 == "42" })
        session.send("(fun\t() return 'kw' end)()\n")
        #expect(session.expectLine { $0 == "kw" })
    }

    /// After a colon only methods are offered; the object is a Swift object (userdata).
    @Test func tabCompletesMethodsOfObjects() throws {
        let session = try Session()
        #expect(session.expect("> "))
        session.send("t = require('tunelua.data').tensor{{1, 2}, {3, 4}}\n")
        session.send("t:me\t()\n")
        #expect(session.expectLine { $0 == "2.5" })
        session.send("model = require('tunelua.keras').Sequential()\n")
        session.send("type(model.fi\t)\n")
        #expect(session.expectLine { $0 == "function" })
        session.send("model:fi\t(nil)\n")
        // Completed, the call reaches fit, which names its missing argument.
        #expect(session.expectLine { $0.contains("fit") && !$0.contains("'fi'") && $0.hasPrefix("tunelua: ") })
    }

    /// A tuner is a Lua table whose class chain holds the methods, and whose fields are getters.
    @Test func tabCompletesTunerMethodsAndFields() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repl-complete-\(getpid())")
        let session = try Session()
        #expect(session.expect("> "))
        session.send("kt = require 'tunelua'\n")
        session.send("tuner = kt.RandomSearch{ objective = 'loss', max_trials = 2, directory = '\(directory.path)', overwrite = true, run_trial = function() return 1 end }\n")
        session.send("type(tuner.results_summ\t)\n")
        #expect(session.expectLine { $0 == "function" })
        session.send("tuner.remaining_tr\t\n")
        #expect(session.expectLine { $0 == "2" })
    }

    /// Two Tabs on an ambiguous word list the candidates (libedit prints them).
    @Test func doubleTabListsTheCandidates() throws {
        let session = try Session()
        #expect(session.expect("> "))
        session.send("kt = require 'tunelua'\n")
        session.send("kt.oracles.\t\t")
        #expect(session.expect("GridSearchOracle"))
        #expect(session.expect("RandomSearchOracle"))
        session.send("\u{15}2 + 3\n")
        #expect(session.expectLine { $0 == "5" })
    }

    @Test func tunerOracleAndTrialPrintWhatAPersonChecks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("repl-print-\(getpid())")
        let session = try Session()
        #expect(session.expect("> "))
        session.send("kt = require 'tunelua'\n")
        session.send("tuner = kt.RandomSearch{ objective = 'loss', max_trials = 2, seed = 1, directory = '\(directory.path)', project_name = 'demo', overwrite = true, verbose = 0, run_trial = function(self, trial) return { loss = trial.hyperparameters.Float('x', 1, 2) } end }\n")
        session.send("tuner\n")
        #expect(session.expectLine { $0 == "<RandomSearch \(directory.path)/demo: 0/2 trials, no score yet>" })
        session.send("tuner:search{ verbose = 0 }\n")
        session.send("tuner\n")
        #expect(session.expectLine { $0.hasPrefix("<RandomSearch \(directory.path)/demo: 2/2 trials, best loss=1.") && $0.hasSuffix(")>") })
        session.send("tuner.oracle\n")
        #expect(session.expectLine { $0.hasPrefix("<RandomSearchOracle objective=loss (min), 1 hyperparameter: 2/2 trials, best loss=") })
        session.send("tuner.oracle:get_trial('0')\n")
        // The first trial takes the defaults: x = min_value.
        #expect(session.expectLine { $0 == "Trial(0, COMPLETED, score=1.0, values={x=1.0})" })
        session.send("tuner:get_best_hyperparameters()[1]\n")
        #expect(session.expectLine { $0 == "HyperParameters(x=1.0)" })
        session.send("tuner:close()\n")
        session.send("tuner\n")
        #expect(session.expectLine { $0.hasPrefix("<RandomSearch \(directory.path)/demo: 2/2 trials, best loss=") && $0.hasSuffix(", closed>") })
    }
}
