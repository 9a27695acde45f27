import CLua

/// A Lua value converted to Swift. Scalars are copied; tables, functions and userdata stay in Lua
/// and are held by reference. Integers and floats stay apart, as Lua 5.4 keeps them.
public enum LuaValue: CustomStringConvertible, @unchecked Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table(LuaTable)
    case function(LuaFunction)
    /// A full userdata (including Swift objects handed to Lua), or a coroutine.
    case userdata(LuaRef)
    /// A Swift object to hand to Lua as userdata of a registered class (only when pushing).
    case object(AnyObject, LuaClass)
    /// A Lua array built from Swift values (only when pushing).
    case array([LuaValue])
    /// A Lua table with string keys built from Swift values (only when pushing).
    case dictionary([(String, LuaValue)])

    /// Lua's type name for the value, as `type(v)` returns it.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .boolean: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .table, .array, .dictionary: return "table"
        case .function: return "function"
        case .userdata(let ref): return ref.typeName
        case .object: return "userdata"
        }
    }

    public var isNil: Bool { if case .nil = self { return true } else { return false } }

    /// The value as a Double when it is a number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// The value as an integer when it is an integer, or a float with an exact integer value.
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d):
            guard d.rounded() == d, abs(d) < 9.2e18 else { return nil }
            return Int64(d)
        default: return nil
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .boolean(let b) = self { return b } else { return nil } }
    public var tableValue: LuaTable? { if case .table(let t) = self { return t } else { return nil } }
    public var functionValue: LuaFunction? { if case .function(let f) = self { return f } else { return nil } }

    public var description: String {
        switch self {
        case .nil: return "nil"
        case .boolean(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d): return LuaValue.format(d)
        case .string(let s): return s
        case .array(let items): return "{" + items.map(\.description).joined(separator: ", ") + "}"
        case .dictionary(let items): return "{" + items.map { "\($0.0) = \($0.1)" }.joined(separator: ", ") + "}"
        default: return typeName
        }
    }

    /// Formats a float as Lua's `tostring` does (`%.14g`, and `1.0` for integral floats).
    public static func format(_ d: Double) -> String {
        if d.isNaN { return d.sign == .minus ? "-nan" : "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        var text = String(format14g: d)
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "n" || $0 == "i" }) { text += ".0" }
        return text
    }
}

extension String {
    /// `%.14g`, the format Lua uses for floats.
    init(format14g value: Double) {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, 64, "%.14g", $0) }
        self = String(cString: buffer)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
