import Testing
@testable import Bridge

/// `kt.HyperParameters.from_config`, `hp:get_config()` and `hp:merge(…)` as Lua sees them; any
/// input to from_config is a Lua error naming the function and the path, never a crash.
struct HyperParametersBindingTests {
    let state: LuaState = {
        let state = try! LuaState()
        Tunelua.install(in: state)
        return state
    }()

    func error(_ code: String) -> String? {
        do {
            try state.run("local kt = require 'tunelua'\n" + code, chunkName: "=t.lua")
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: [
        ("kt.HyperParameters.from_config(42)", "t.lua:2: from_config: config must be a table (got number)"),
        ("kt.HyperParameters.from_config(kt.HyperParameters())", "t.lua:2: from_config: config must be a table (got HyperParameters)"),
        ("local t = {} t.space = {t} kt.HyperParameters.from_config(t)",
         "t.lua:2: from_config: config.space[1] contains itself (a table cannot be part of its own config)"),
        ("local t = {} local c = t for i = 1, 10000 do c.space = {} c = c.space end kt.HyperParameters.from_config(t)",
         "is nested too deeply (more than 32 levels)"),
        ("kt.HyperParameters.from_config{space = {{class_name = 'Int', config = {name = 'n', min_value = 0, max_value = math.maxinteger}}}}",
         "t.lua:2: from_config: config.space[1]: Int(name='n'): max_value must be an integer"),
        ("kt.HyperParameters.from_config{space = {{class_name = 'Float', config = {name = 'x', min_value = 0, max_value = 1e309}}}}",
         "t.lua:2: from_config: config.space[1]: Float(name='x'): min_value and max_value must be finite numbers"),
        ("kt.HyperParameters.from_config{space = {{class_name = 'Float', config = {name = 'x', min_value = 0, max_value = 1}}}, values = {x = 0/0}}",
         "t.lua:2: from_config: config.values.x = nan is not a value of Float"),
        ("kt.HyperParameters.from_config{space = {[1] = 1, [3] = 3, x = 1}}", "from_config: config.space has a number key"),
        ("kt.HyperParameters.from_config{space = {print}}", "t.lua:2: from_config: config.space[1] must be a table, number, string or boolean (got function)"),
        ("kt.HyperParameters.from_config{space = {{class_name = 'Int', config = {name = 5, min_value = 0, max_value = 1}}}}",
         "t.lua:2: from_config: config.space[1].config.name must be a string (got number)"),
        ("kt.HyperParameters.from_config{space = {{class_name = 'Choice', config = {name = 'c', values = {}}}}}",
         "t.lua:2: from_config: config.space[1]: Choice(name='c'): values must be a non-empty list"),
        ("local big = {} for i = 1, 1100000 do big[i] = i end kt.HyperParameters.from_config{space = {}, values = big}",
         "is too large"),
        ("kt.HyperParameters():merge({1})", "t.lua:2: merge: hps[1] must be a table with 'class_name' and 'config' (got number)"),
        ("kt.HyperParameters():merge('x')", "merge: argument 'hps' must be a HyperParameters object or a list of hyperparameters (got string)"),
    ])
    func badConfigsAreLuaErrorsNamingThePath(_ code: String, _ expected: String) {
        let message = error(code)
        #expect(message?.contains(expected) == true, "got \(message ?? "no error")")
    }

    @Test func aConfigSharingOneSubtableManyTimesIsNotACycle() throws {
        // The same conditions table under two hyperparameters is shared, not self-containing.
        let result = try state.run("""
            local kt = require 'tunelua'
            local none = {}
            local hp = kt.HyperParameters.from_config{ space = {
              { class_name = 'Boolean', config = { name = 'a', conditions = none } },
              { class_name = 'Boolean', config = { name = 'b', conditions = none } } } }
            return tostring(hp)
            """)
        #expect(result.first?.stringValue == "HyperParameters(a=False, b=False)")
    }

    @Test func fromConfigRebuildsAnEqualObject() throws {
        let result = try state.run("""
            local kt = require 'tunelua'
            local hp = kt.HyperParameters()
            hp.Choice('model', {'linear', 'dnn'}, {default = 'dnn'})
            hp:conditional_scope('model', 'dnn', function() hp.Int('layers', 1, 4) end)
            local back = kt.HyperParameters:from_config(hp:get_config())
            return tostring(back), back:is_active('layers'), back.space[2].conditions[1].config.name
            """)
        #expect(result.map(\.description) == ["HyperParameters(model='dnn', layers=1)", "true", "model"])
    }
}
