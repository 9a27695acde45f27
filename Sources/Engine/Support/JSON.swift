/// A small JSON value with its own encoder and parser.
///
/// Written here rather than taken from Foundation so that numbers round-trip bit-exactly
/// (integers stay `Int64`, doubles use Swift's shortest round-trip form and always carry a `.` or
/// an exponent), object keys keep their order, and `NaN`/`Infinity` survive as Python's `json`
/// writes them.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a.bitPattern == b.bitPattern
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value under `key` of an object, or nil.
    public subscript(key: String) -> JSON? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    public var stringValue: String? { if case let .string(s) = self { return s }; return nil }
    public var boolValue: Bool? { if case let .bool(b) = self { return b }; return nil }
    public var arrayValue: [JSON]? { if case let .array(a) = self { return a }; return nil }
    public var intValue: Int64? {
        switch self {
        case let .int(i): return i
        case let .double(d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case let .double(d): return d
        case let .int(i): return Double(i)
        default: return nil
        }
    }

    // MARK: - Encoding

    /// Compact JSON text.
    public var encoded: String {
        var out = ""
        encode(into: &out)
        return out
    }

    public func encode(into out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(i): out += String(i)
        case let .double(d): out += JSON.format(d)
        case let .string(s): JSON.quote(s, into: &out)
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.encode(into: &out)
            }
            out += "]"
        case let .object(pairs):
            out += "{"
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSON.quote(k, into: &out)
                out += ":"
                v.encode(into: &out)
            }
            out += "}"
        }
    }

    /// Shortest text that parses back to the same bits, always recognisable as a double.
    static func format(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        let s = d.description
        if s.contains(".") || s.contains("e") || s.contains("E") { return s }
        return s + ".0"
    }

    static func quote(_ s: String, into out: inout String) {
        // Most keys and values need no escaping: append them whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    // MARK: - Parsing

    /// The deepest nesting `parse` accepts. The parser recurses once per level; a project file
    /// holding 100,000 `[` must be an error, not a stack overflow. Python's own `json` stops near
    /// 1,000 (its recursion limit); nothing tunelua writes comes close to this.
    public static let maximumDepth = 256

    /// Parses JSON text strictly (RFC 8259, plus Python's `NaN`, `Infinity` and `-Infinity`,
    /// which `encoded` writes). A duplicated key keeps its last value, as Python's `json` does.
    /// - Parameter source: what the text is, for errors (`'…/tunelua.db', trial 0003`).
    /// - Throws: `EngineError(.corruptData)` naming `source`, the byte offset and a short excerpt.
    public static func parse(_ text: String, source: String = "JSON") throws -> JSON {
        var parser = Parser(bytes: Array(text.utf8), source: source)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.pos == parser.bytes.count else { throw parser.error("trailing characters after the value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        let source: String
        var pos = 0

        init(bytes: [UInt8], source: String) {
            self.bytes = bytes
            self.source = source
        }

        /// The error, with at most 24 bytes of the text from where it went wrong (never the whole
        /// document: a corrupt row may be megabytes long).
        func error(_ what: String) -> EngineError {
            let end = min(pos + 24, bytes.count)
            var excerpt = pos < end ? String(decoding: bytes[pos..<end], as: UTF8.self) : ""
            excerpt = String(excerpt.unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })
            let near = pos < bytes.count ? " near '\(excerpt)\(end < bytes.count ? "…" : "")'" : " (at the end)"
            return EngineError(.corruptData, "\(source): invalid JSON: \(what) at byte \(pos)\(near)")
        }

        mutating func skipSpace() {
            while pos < bytes.count {
                switch bytes[pos] {
                case 0x20, 0x0A, 0x0D, 0x09: pos += 1
                default: return
                }
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard pos + n <= bytes.count else { return false }
            let w = word.utf8Start
            for i in 0..<n where bytes[pos + i] != w[i] { return false }
            pos += n
            return true
        }

        mutating func value(depth: Int) throws -> JSON {
            guard pos < bytes.count else { throw error("unexpected end") }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                guard depth < JSON.maximumDepth else { throw error("nested deeper than \(JSON.maximumDepth) levels") }
                pos += 1
                var pairs: [(String, JSON)] = []
                var index: [String: Int] = [:]
                skipSpace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
                while true {
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a key") }
                    let key = try string()
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    pos += 1
                    skipSpace()
                    let item = try value(depth: depth + 1)
                    if let at = index[key] { pairs[at].1 = item } else { index[key] = pairs.count; pairs.append((key, item)) }
                    skipSpace()
                    guard pos < bytes.count else { throw error("unexpected end") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
                    throw error("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                guard depth < JSON.maximumDepth else { throw error("nested deeper than \(JSON.maximumDepth) levels") }
                pos += 1
                var items: [JSON] = []
                skipSpace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard pos < bytes.count else { throw error("unexpected end") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                    throw error("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            default:
                if literal("null") { return .null }
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                if literal("NaN") { return .double(.nan) }
                if literal("Infinity") { return .double(.infinity) }
                if literal("-Infinity") { return .double(-.infinity) }
                return try number()
            }
        }

        private func digit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 0x30 && bytes[at] <= 0x39 }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` and nothing else: no `+1`, `01`,
        /// `1.` or `.5`.
        mutating func number() throws -> JSON {
            let start = pos
            var p = pos
            if p < bytes.count, bytes[p] == UInt8(ascii: "-") { p += 1 }
            guard digit(p) else { throw error("invalid value") }
            if bytes[p] == UInt8(ascii: "0") {
                p += 1
                if digit(p) { pos = p; throw error("leading zero in a number") }
            } else {
                while digit(p) { p += 1 }
            }
            var isDouble = false
            if p < bytes.count, bytes[p] == UInt8(ascii: ".") {
                isDouble = true
                p += 1
                guard digit(p) else { pos = p; throw error("expected a digit after '.'") }
                while digit(p) { p += 1 }
            }
            if p < bytes.count, bytes[p] == UInt8(ascii: "e") || bytes[p] == UInt8(ascii: "E") {
                isDouble = true
                p += 1
                if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
                guard digit(p) else { pos = p; throw error("expected a digit in the exponent") }
                while digit(p) { p += 1 }
            }
            let text = String(decoding: bytes[start..<p], as: UTF8.self)
            pos = p
            if !isDouble, let i = Int64(text) { return .int(i) }
            // Integers past Int64 read as doubles, as the encoder never writes them.
            guard let d = Double(text) else { pos = start; throw error("invalid number") }
            return .double(d)
        }

        mutating func string() throws -> String {
            pos += 1  // opening quote
            var out = [UInt8]()
            while pos < bytes.count {
                let c = bytes[pos]
                if c == UInt8(ascii: "\"") { pos += 1; return String(decoding: out, as: UTF8.self) }
                if c < 0x20 { throw error("raw control character 0x\(String(c, radix: 16)) in a string") }
                pos += 1
                if c != UInt8(ascii: "\\") { out.append(c); continue }
                guard pos < bytes.count else { break }
                let e = bytes[pos]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    pos += 1
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                            throw error("a high surrogate \\u\(String(code, radix: 16)) must be followed by a low one")
                        }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            pos -= 6
                            throw error("\\u\(String(low, radix: 16)) is not a low surrogate after a high one")
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        pos -= 6
                        throw error("a lone low surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    continue
                default:
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
                pos += 1
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard pos + 4 <= bytes.count else { throw error("bad \\u escape (needs 4 hex digits)") }
            var v: UInt32 = 0
            for i in 0..<4 {
                let c = bytes[pos + i]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw error("bad \\u escape (needs 4 hex digits)")
                }
                v = v << 4 | UInt32(d)
            }
            pos += 4
            return v
        }
    }
}
