import Testing
@testable import Bridge

/// Values cross the bridge in both directions without changing kind or content.
struct ValueRoundTripTests {
    let state = try! LuaState()

    /// Passes `value` through a Lua identity function and back.
    func roundTrip(_ value: LuaValue) throws -> LuaValue {
        let identity = try state.load("return ...")
        return try identity.call([value]).first ?? .nil
    }

    @Test func integersAndFloatsStayApart() throws {
        #expect(try roundTrip(.integer(42)).integerValue == 42)
        if case .integer = try roundTrip(.integer(3)) {} else { Issue.record("integer became float") }
        if case .number(let d) = try roundTrip(.number(3.0)) { #expect(d == 3.0) } else { Issue.record("float became integer") }
        #expect(try roundTrip(.integer(.max)).integerValue == .max)
        #expect(try roundTrip(.number(0.1)).doubleValue == 0.1)
        let nan = try roundTrip(.number(.nan)).doubleValue
        #expect(nan?.isNaN == true)
    }

    @Test func scalarsRoundTrip() throws {
        #expect(try roundTrip(.nil).isNil)
        #expect(try roundTrip(.boolean(true)).boolValue == true)
        #expect(try roundTrip(.boolean(false)).boolValue == false)
        #expect(try roundTrip(.string("héllo\u{0}world")).stringValue == "héllo\u{0}world")
        #expect(try roundTrip(.string("")).stringValue == "")
    }

    @Test func luaSeesKindsAsLuaTypes() throws {
        let typeOf = try state.load("local v = ... return type(v), math.type(v)")
        #expect(try typeOf.call([.integer(1)]).map(\.description) == ["number", "integer"])
        #expect(try typeOf.call([.number(1)]).map(\.description) == ["number", "float"])
        #expect(try typeOf.call([.array([.integer(1)])]).first?.description == "table")
        #expect(try typeOf.call([state.function(name: "f") { _ in 0 }]).first?.description == "function")
    }

    @Test func arraysAndDictionariesBecomeTables() throws {
        let result = try roundTrip(.array([.integer(1), .string("two"), .number(3.5)]))
        let table = try #require(result.tableValue)
        #expect(table.count == 3)
        #expect(table[2].stringValue == "two")
        let dict = try #require(try roundTrip(.dictionary([("a", .integer(1)), ("b", .boolean(true))])).tableValue)
        #expect(dict["a"].integerValue == 1)
        #expect(dict["b"].boolValue == true)
        #expect(dict.pairs.count == 2)
    }

    @Test func functionsRoundTripAndStayCallable() throws {
        let f = try #require(try state.run("return function(a, b) return a * b end").first?.functionValue)
        let back = try #require(try roundTrip(.function(f)).functionValue)
        #expect(try back.call(.integer(6), .integer(7)).first?.integerValue == 42)
    }

    @Test func swiftObjectsRoundTripAsTheSameUserdata() throws {
        final class Box { let n: Int; init(_ n: Int) { self.n = n } }
        let boxClass = LuaClass(name: "Box")
        boxClass.getter("n") { (box: Box) in .integer(Int64(box.n)) }
        let box = Box(9)
        let same = try state.load("local a, b = ... return rawequal(a, b), a.n, tostring(a):match('^<Box>') ~= nil")
        let results = try same.call([.object(box, boxClass), .object(box, boxClass)])
        #expect(results.map(\.description) == ["true", "9", "true"])
    }

    @Test func nonUTF8BytesDoNotCrash() throws {
        let result = try state.run("return '\\xff\\xfe', #'\\xff\\xfe'")
        #expect(result[1].integerValue == 2)
        #expect(result[0].stringValue != nil)
    }
}
