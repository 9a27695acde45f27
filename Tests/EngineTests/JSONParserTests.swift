import Testing
@testable import Engine

/// The JSON read back from project files is parsed strictly and with bounded depth (issue 17,
/// item 7): what Python's `json` refuses is refused, with the source and byte offset named.
struct JSONParserTests {
    @Test(arguments: ["+1", "01", "1.", ".5", "-", "1e", "1e+", "\"\\q\"", "\"a\nb\"", "\"\u{01}\"", "[1,]", "{\"a\":1,}",
                      "\"\\ud83d\\u0041\"", "\"\\ud83d\"", "\"\\udc00\"", "\"\\u12G4\"", "nul", "[1] 2", "\"abc"])
    func refusesWhatStrictJSONRefuses(_ text: String) {
        #expect(throws: EngineError.self) { try JSON.parse(text) }
    }

    @Test func acceptsStrictJSONAndPythonsNonFiniteNumbers() throws {
        #expect(try JSON.parse("-0.5e-3") == .double(-0.5e-3))
        #expect(try JSON.parse("0") == .int(0))
        #expect(try JSON.parse("-12") == .int(-12))
        #expect(try JSON.parse("\"\\ud83d\\ude00 \\/ \\u00e9\"") == .string("😀 / é"))
        #expect(try JSON.parse("[NaN, Infinity, -Infinity]").arrayValue?.count == 3)
        #expect(try JSON.parse(" { \"a\" : [ true , false , null ] } ")["a"] == .array([.bool(true), .bool(false), .null]))
    }

    @Test func duplicateKeysKeepTheLastValueAsPythonDoes() throws {
        #expect(try JSON.parse("{\"a\":1,\"b\":2,\"a\":3}") == .object([("a", .int(3)), ("b", .int(2))]))
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() throws {
        let deep = String(repeating: "[", count: 100_000)
        let error = try #require(throws: EngineError.self) { try JSON.parse(deep, source: "'p/tunelua.db', trial 7") }
        #expect(error.description.contains("'p/tunelua.db', trial 7: invalid JSON: nested deeper than 256 levels at byte 256"))
        #expect(error.description.utf8.count < 200)
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try JSON.parse(fine) }
    }

    @Test func errorsQuoteOnlyAShortExcerpt() throws {
        let long = "[" + String(repeating: "1,", count: 50_000) + "x]"
        let error = try #require(throws: EngineError.self) { try JSON.parse(long) }
        #expect(error.description.contains("near 'x]'"))
        #expect(error.description.utf8.count < 200)
    }
}
