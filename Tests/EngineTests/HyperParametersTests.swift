import Testing
@testable import Engine

/// Declaration, validation, scopes and values of a space.
struct HyperParametersTests {
    @Test func declaringReturnsDefaultsAndRemembersValues() throws {
        let hp = HyperParameters()
        #expect(try hp.float("x", minValue: -2, maxValue: 2) == .float(-2))
        #expect(try hp.int("units", minValue: 32, maxValue: 512, step: 32) == .int(32))
        #expect(try hp.choice("act", values: [.string("relu"), .string("tanh")]) == .string("relu"))
        #expect(try hp.boolean("dropout") == .bool(false))
        #expect(try hp.fixed("f", value: .float(0.5)) == .float(0.5))
        hp.values["x"] = .float(1.25)
        #expect(try hp.float("x", minValue: -2, maxValue: 2) == .float(1.25))
        #expect(hp.values.names == ["x", "units", "act", "dropout", "f"])
    }

    @Test func invalidDeclarationsAreClearErrors() {
        let hp = HyperParameters()
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { try hp.float("a", minValue: 2, maxValue: 1) }.contains("min_value 2.0 is greater than the max_value 1.0"))
        #expect(message { try hp.float("b", minValue: 0, maxValue: 1, sampling: "log") }.contains("does not support negative values"))
        #expect(message { try hp.int("c", minValue: 1, maxValue: 100, step: 1, sampling: "log") }.contains("expected step > 1"))
        #expect(message { try hp.int("d", minValue: 1.5, maxValue: 3) }.contains("Int(name='d'): min_value must be an integer, got 1.5"))
        #expect(message { try hp.choice("e", values: []) }.contains("non-empty"))
        #expect(message { try hp.choice("f", values: [.int(1), .string("a")]) }.contains("only one type"))
        #expect(message { try hp.choice("g", values: [.int(1), .int(2)], default: .int(3)) }.contains("should be one of the choices"))
        #expect(message { try hp.float("h", minValue: 0, maxValue: 1, sampling: "cubic") }.contains("sampling must be one of"))
        #expect(message { try hp.choice("i", values: [.string("a")], ordered: true) }.contains("ordered must be false"))
        #expect(message { try hp.float("j", minValue: 0, maxValue: 1, step: 1e-300) }.contains("too small for the range"))
        #expect(message { try hp.float("k", minValue: .nan, maxValue: 1) }.contains("finite"))
        #expect(hp.space.isEmpty)
    }

    @Test func redeclaringWithOtherArgumentsNamesBothDeclarations() throws {
        let hp = HyperParameters()
        try hp.float("x", minValue: 0, maxValue: 1)
        #expect(try hp.float("x", minValue: 0, maxValue: 1, default: 0) == .float(0))
        do {
            try hp.float("x", minValue: 0, maxValue: 2)
            Issue.record("expected an error")
        } catch {
            let m = "\(error)"
            #expect(m.contains("max_value: '1.0'") && m.contains("max_value: '2.0'"))
        }
        #expect(throws: EngineError.self) { try hp.int("x", minValue: 0, maxValue: 1) }
    }

    @Test func conditionalScopesHideInactiveValuesAndNest() throws {
        let hp = HyperParameters()
        try hp.choice("model", values: [.string("mlp"), .string("cnn")])
        let units = try hp.conditionalScope("model", [.string("mlp")]) { try hp.int("units", minValue: 8, maxValue: 64) }
        let filters = try hp.conditionalScope("model", [.string("cnn")]) { try hp.int("filters", minValue: 8, maxValue: 64) }
        #expect(units == .int(8))
        #expect(filters == nil)
        #expect(!hp.isActive("filters"))
        #expect(throws: EngineError.self) { try hp.get("filters") }
        #expect(throws: EngineError.self) { try hp.get("nope") }
        // Nested: ANDed.
        try hp.boolean("deep")
        let layers = try hp.conditionalScope("model", [.string("mlp")]) {
            try hp.conditionalScope("deep", [.bool(true)]) { try hp.int("layers", minValue: 1, maxValue: 4) }
        }
        #expect(layers == nil)
        hp.values["deep"] = .bool(true)
        #expect(hp.isActive("layers"))
        hp.values["model"] = .string("cnn")
        #expect(!hp.isActive("layers"))
        #expect(throws: EngineError.self) { try hp.conditionalScope("missing", [.int(1)]) { 0 } }
        // parent_name / parent_values arguments are the same scope.
        hp.values["model"] = .string("mlp")
        #expect(try hp.float("rate", minValue: 0, maxValue: 1, parentName: "model", parentValues: [.string("cnn")]) == nil)
    }

    @Test func nameScopePrefixesNames() throws {
        let hp = HyperParameters()
        try hp.nameScope("block1") { try hp.int("units", minValue: 1, maxValue: 4) }
        #expect(hp.values["block1/units"] == .int(1))
        #expect(try hp.nameScope("block1") { try hp.get("units") } == .int(1))
    }

    @Test func copyIsIndependentAndMergeAddsSpace() throws {
        let a = HyperParameters()
        try a.float("x", minValue: 0, maxValue: 1)
        let b = a.copy()
        b.values["x"] = .float(0.5)
        #expect(a.values["x"] == .float(0))
        let c = HyperParameters()
        try c.boolean("flag", default: true)
        try a.merge(c)
        #expect(a.values["flag"] == .bool(true) && a.space.count == 2)
    }

    @Test func mergeWithoutOverwriteKeepsExistingValuesAndAddsNewOnes() throws {
        let a = try HyperParameters.fromConfig(.object([
            ("space", .array([HyperParameter.int("n", minValue: 1, maxValue: 10, default: 2).config])),
            ("values", .object([("n", .int(3))])),
        ]))
        let b = HyperParameters()
        try b.int("n", minValue: 1, maxValue: 10, default: 7)
        try b.boolean("new", default: true)
        try a.merge(b, overwrite: false)
        #expect(a.values["n"] == .int(3) && a.values["new"] == .bool(true))
        #expect(a.space.count == 2)
        if case let .int(_, _, _, _, d) = a.space[0].kind { #expect(d == 2) } else { Issue.record("n is not an Int") }
    }

    @Test func mergeWithOverwriteTakesTheOthersDeclarationAndDefault() throws {
        let a = HyperParameters()
        try a.int("n", minValue: 1, maxValue: 10, default: 2)
        let b = HyperParameters()
        try b.int("n", minValue: 1, maxValue: 20, default: 7)
        try a.merge(b)
        #expect(a.values["n"] == .int(7))
        #expect(a.space.count == 1 && a.space[0] == b.space[0])
    }

    @Test func configRoundTripsWithKerasTunerKeysAndConditions() throws {
        let hp = HyperParameters()
        try hp.float("lr", minValue: 1e-4, maxValue: 1e-1, sampling: "log")
        try hp.choice("act", values: [.string("relu"), .string("tanh")])
        try hp.conditionalScope("act", [.string("tanh")]) { try hp.int("units", minValue: 8, maxValue: 64, step: 8) }
        try hp.fixed("f", value: .float(0.5))
        hp.values["act"] = .string("tanh")
        hp.ensureActiveValues()
        let config = hp.config
        // Keras Tuner writes a Float's and a Choice's effective default, and an Int's unset one as None.
        #expect(config["space"]?.arrayValue?[0]["config"]?["default"] == .double(1e-4))
        #expect(config["space"]?.arrayValue?[1]["config"]?["default"] == .string("relu"))
        #expect(config["space"]?.arrayValue?[2]["config"]?["default"] == .null)
        #expect(config["space"]?.arrayValue?[3]["config"]?["value"] == .double(0.5))
        let back = try HyperParameters.fromConfig(config)
        #expect(back.config == config)
        #expect(back.values == hp.values)
        #expect(back.space[2].conditions == hp.space[2].conditions)
        #expect(back.isActive("units"))
    }

    @Test(arguments: [
        (#"[1]"#, "from_config: config must be a table"),
        (#"{"space": 3}"#, "from_config: config.space must be a list (got number)"),
        (#"{"space": [{"class_name": "Int", "config": {"name": "x", "min_value": "a", "max_value": 2}}]}"#,
         "from_config: config.space[1].config.min_value must be a number (got string)"),
        (#"{"space": [{"class_name": "Int", "config": {"name": "x", "min_value": 5, "max_value": 2}}]}"#,
         "from_config: config.space[1]: Int(name='x'): min_value 5 is greater than the max_value 2"),
        (#"{"space": [{"class_name": "Int", "config": {"name": "x", "min_value": 1, "max_value": 1e300}}]}"#,
         "from_config: config.space[1]: Int(name='x'): max_value must be an integer"),
        (#"{"space": [{"class_name": "Boolean", "config": {"name": "b"}}, {"class_name": "Boolean", "config": {"name": "b"}}]}"#,
         "from_config: config.space[2] 'b' is declared twice"),
        (#"{"space": [{"class_name": "Boolean", "config": {"name": "b", "conditions": [{"class_name": "Parent", "config": {"name": "p", "values": [1]}}]}}]}"#,
         "from_config: config.space[1]: the parent 'p' of 'b' must be declared before it"),
        (#"{"space": [{"class_name": "Boolean", "config": {"name": "b"}}], "values": {"b": 3}}"#,
         "from_config: config.values.b = 3 is not a value of Boolean"),
        (#"{"space": [], "values": {"ghost": 1}}"#, "from_config: config.values.ghost names no hyperparameter"),
        (#"{"space": [{"class_name": "Float", "config": {"name": "x", "min_value": 0, "max_value": 1, "stepp": 1}}]}"#,
         "from_config: config.space[1].config has an unknown key 'stepp'"),
    ])
    func malformedConfigsAreErrorsNamingThePath(_ text: String, _ expected: String) throws {
        let error = #expect(throws: EngineError.self) { _ = try HyperParameters.fromConfig(JSON.parse(text)) }
        #expect(error?.message.hasPrefix(expected) == true, "\(error?.message ?? "no error")")
    }

    @Test func configValuesAreStandardizedToTheirKind() throws {
        let text = #"{"space": [{"class_name": "Float", "config": {"name": "x", "min_value": 0, "max_value": 4}}, {"class_name": "Int", "config": {"name": "n", "min_value": 0, "max_value": 4}}], "values": {"x": 2, "n": 3.0}}"#
        let hp = try HyperParameters.fromConfig(JSON.parse(text))
        #expect(hp.values["x"] == .float(2) && hp.values["n"] == .int(3))
    }

    @Test func valuesRoundTripBitIdenticallyThroughJSON() throws {
        let hp = HyperParameters()
        let tricky = [0.1, 1.0 / 3.0, -0.0, 5e-324, 1.7976931348623157e308, 123456789.12345678]
        for (i, d) in tricky.enumerated() { hp.values["v\(i)"] = .float(d) }
        hp.values["i"] = .int(Int64.max)
        hp.values["s"] = .string("quote\" \\ é\n")
        hp.values["b"] = .bool(true)
        let text = hp.values.json.encoded
        let back = try HPValues(json: JSON.parse(text))
        for (name, value) in hp.values {
            let other = back[name]!
            if case let .float(a) = value, case let .float(b) = other { #expect(a.bitPattern == b.bitPattern) } else { #expect(value == other) }
        }
        #expect(back["v1"] != .int(1) && back["i"] == .int(Int64.max))
    }

    @Test func pythonFormattingMatchesKerasTuner() {
        #expect(PyFormat.repr(1e-05) == "1e-05")
        #expect(PyFormat.repr(0.0001) == "0.0001")
        #expect(PyFormat.repr(1e16) == "1e+16")
        #expect(PyFormat.repr(1e15) == "1000000000000000.0")
        #expect(PyFormat.repr(-2.0) == "-2.0")
        #expect(PyFormat.repr(123.456) == "123.456")
        #expect(PyFormat.general(0.123456789) == "0.12346")
        #expect(PyFormat.general(1e-5) == "1e-05")
        #expect(PyFormat.general(32) == "32")
    }

    @Test func spaceRoundTripsThroughJSONAndDamageIsAnError() throws {
        let hp = HyperParameters()
        try hp.float("lr", minValue: 1e-4, maxValue: 1e-1, sampling: "log", default: 1e-3)
        try hp.int("units", minValue: 8, maxValue: 64, step: 8)
        try hp.choice("act", values: [.string("relu"), .string("tanh")], default: .string("tanh"))
        try hp.conditionalScope("act", [.string("relu")]) { try hp.boolean("leaky") }
        try hp.fixed("f", value: .int(3))
        let back = try HyperParameters.from(json: JSON.parse(hp.json.encoded))
        #expect(back.space == hp.space)
        #expect(back.values == hp.values)
        let damaged = #"{"space":[{"class_name":"Int","config":{"name":"n","min_value":5,"max_value":1,"step":1,"sampling":"linear","default":null,"conditions":[]}}]}"#
        #expect(throws: EngineError.self) { _ = try HyperParameters.from(json: JSON.parse(damaged)) }
        #expect(throws: EngineError.self) { _ = try JSON.parse("{\"a\": [1, 2") }
    }
}
