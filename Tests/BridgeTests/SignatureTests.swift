import Testing
@testable import Bridge

/// The calling conventions of docs/reference.md (Calling conventions): positional, keyword table, or both in one table.
struct SignatureTests {
    let state = try! LuaState()
    let dense = Signature("Dense", [
        .init("units", .integer, required: true), .init("activation", .string), .init("use_bias", .boolean),
    ])

    func install(_ signature: Signature) {
        state.globals["f"] = state.function(name: signature.function) { call in
            let args = try signature.bind(call)
            return call.results(.dictionary(args.values.map { ($0.key, $0.value) }))
        }
    }

    @Test(arguments: ["return f(64, 'relu')", "return f(64, {activation = 'relu'})",
                      "return f{64, activation = 'relu'}", "return f{units = 64, activation = 'relu'}"])
    func everyConventionBindsTheSame(_ code: String) throws {
        install(dense)
        let table = try #require(try state.run(code).first?.tableValue)
        #expect(table["units"].integerValue == 64)
        #expect(table["activation"].stringValue == "relu")
    }

    @Test func misspeltKeywordSuggestsTheRightOne() throws {
        install(dense)
        #expect {
            try state.run("f{unit = 3}", chunkName: "=search.lua")
        } throws: { error in
            (error as? LuaError)?.message == "search.lua:1: Dense: unknown argument 'unit' (did you mean 'units'?)"
        }
    }

    @Test(arguments: [
        ("f{activation = 'relu'}", "t.lua:1: Dense: missing required argument 'units'"),
        ("f('x')", "t.lua:1: bad argument #1 to 'Dense' (integer expected, got string)"),
        ("f{units = 2.5}", "t.lua:1: Dense: argument 'units' must be a integer (got number has no integer representation)"),
        ("f(1, {units = 2})", "t.lua:1: Dense: got multiple values for argument 'units'"),
    ])
    func missingAndWrongTypedArgumentsAreNamed(_ code: String, _ message: String) throws {
        install(dense)
        let error = #expect(throws: LuaError.self) { try state.run(code, chunkName: "=t.lua") }
        #expect(error?.message == message)
    }

    @Test func trailingTableFillsATableParameterUnlessItNamesParameters() throws {
        let choice = Signature("Choice", [.init("name", .string, required: true), .init("values", .list, required: true),
                                          .init("ordered", .boolean), .init("default", .any)])
        install(choice)
        let positional = try #require(try state.run("return f('lr', {0.1, 0.01})").first?.tableValue)
        #expect(positional["values"].tableValue?.count == 2)
        let keyword = try #require(try state.run("return f('lr', {0.1, 0.01}, {default = 0.01})").first?.tableValue)
        #expect(keyword["default"].doubleValue == 0.01)
        let named = try #require(try state.run("return f{name = 'lr', values = {1, 2}}").first?.tableValue)
        #expect(named["values"].tableValue?.count == 2)
    }
}
