import Testing
@testable import Bridge

/// What Tab offers at the REPL (`LuaState.completions(for:)`), and that completing runs none of
/// the user's code: hostile metatables are neither called nor able to break it.
struct CompletionTests {
    let state: LuaState = {
        let state = try! LuaState()
        Tunelua.install(in: state)
        _ = try! state.run("""
            kt = require "tunelua"
            keras = require "tunelua.keras"
            data = require "tunelua.data"
            """)
        return state
    }()

    @Test func globalsAndKeywords() {
        #expect(state.completions(for: "pri") == ["print"])
        #expect(state.completions(for: "fun") == ["function"])
        #expect(state.completions(for: "ke") == ["keras"])
        #expect(state.completions(for: "string.up") == ["string.upper"])
    }

    @Test func moduleMembers() {
        #expect(state.completions(for: "kt.RandomSe") == ["kt.RandomSearch"])
        #expect(state.completions(for: "kt.oracles.G") == ["kt.oracles.GridSearchOracle"])
        #expect(state.completions(for: "keras.layers.Max") == ["keras.layers.MaxPooling2D"])
        #expect(state.completions(for: "kt.HyperParameters.from") == ["kt.HyperParameters.from_config"])
        #expect(state.completions(for: "kt.nothing.here") == [])
    }

    @Test func methodsAndFieldsOfSwiftObjects() throws {
        _ = try state.run("model = keras.Sequential(); t = data.tensor{1, 2}; hp = kt.HyperParameters()")
        #expect(state.completions(for: "model:fi") == ["model:fit"])
        #expect(state.completions(for: "model.stop_") == ["model.stop_training"])
        // After a colon, fields are not offered.
        #expect(state.completions(for: "model:stop_") == [])
        #expect(state.completions(for: "t:res") == ["t:reshape"])
        #expect(state.completions(for: "hp:F") == ["hp:Fixed", "hp:Float"])
        #expect(state.completions(for: "hp.val") == ["hp.values"])
        #expect(state.completions(for: "('x'):up") == [])
    }

    /// Through tunelua's getters: `tuner.oracle` is computed in Swift.
    @Test func tunerMethodsFieldsAndWhatTheyHold() throws {
        _ = try state.run("""
            tuner = kt.RandomSearch{ objective = "loss", max_trials = 1, directory = os.tmpname() .. ".d", run_trial = function() return 1 end }
            s = "text"
            """)
        #expect(state.completions(for: "tuner:results_s") == ["tuner:results_summary"])
        #expect(state.completions(for: "tuner.remaining") == ["tuner.remaining_trials"])
        #expect(state.completions(for: "tuner:on_trial_") == ["tuner:on_trial_begin", "tuner:on_trial_end"])
        #expect(state.completions(for: "tuner.oracle:get_b") == ["tuner.oracle:get_best_trials"])
        #expect(state.completions(for: "tuner.oracle.objective.dir") == ["tuner.oracle.objective.direction"])
        #expect(state.completions(for: "s:up") == ["s:upper"])
    }

    @Test func userCodeNeverRuns() throws {
        _ = try state.run("""
            calls = 0
            trap = setmetatable({ plain = 1 }, {
              __index = function() calls = calls + 1; error("must not run") end,
              __pairs = function() calls = calls + 1; error("must not run") end,
            })
            loop = setmetatable({}, {}); getmetatable(loop).__index = loop
            """)
        #expect(state.completions(for: "trap.pl") == ["trap.plain"])
        #expect(state.completions(for: "trap.missing.x") == [])
        #expect(state.completions(for: "loop.x") == [])
        #expect(try state.run("return calls").first?.integerValue == 0)
    }
}
