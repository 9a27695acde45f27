/// One hyperparameter value: the four kinds Keras Tuner allows.
///
/// Integers and floats are distinct (`.int(2)` is not `.float(2)`), as Python's `2` and `2.0`
/// print differently; floats compare by bit pattern so a stored value is the value that was run.
public enum HPValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int64)
    case float(Double)
    case string(String)
    case bool(Bool)

    public static func == (lhs: HPValue, rhs: HPValue) -> Bool {
        switch (lhs, rhs) {
        case let (.int(a), .int(b)): return a == b
        case let (.float(a), .float(b)): return a.bitPattern == b.bitPattern || a == b
        case let (.string(a), .string(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case let .int(i): hasher.combine(0); hasher.combine(i)
        case let .float(d): hasher.combine(1); hasher.combine(d == 0 ? 0 : d.bitPattern)
        case let .string(s): hasher.combine(2); hasher.combine(s)
        case let .bool(b): hasher.combine(3); hasher.combine(b)
        }
    }

    /// The value as a Double for numeric kinds.
    public var numeric: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .float(d): return d
        default: return nil
        }
    }

    /// Python's `str()` of the value (`True`, `0.001`, `relu`, `32`), as Keras Tuner prints it.
    public var description: String {
        switch self {
        case let .int(i): return String(i)
        case let .float(d): return PyFormat.repr(d)
        case let .string(s): return s
        case let .bool(b): return b ? "True" : "False"
        }
    }

    /// Python's `repr()`: strings quoted, as inside a printed dict or list.
    public var pythonRepr: String {
        if case let .string(s) = self { return PyFormat.quote(s) }
        return description
    }

    /// The kind name used in messages (`int`, `float`, `str`, `bool`, as Python names them).
    public var typeName: String {
        switch self {
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bool: return "bool"
        }
    }

    /// A typed JSON form: ints as JSON integers, floats always with a `.`/exponent, so the kind and
    /// the exact bits survive a round trip.
    public var json: JSON {
        switch self {
        case let .int(i): return .int(i)
        case let .float(d): return .double(d)
        case let .string(s): return .string(s)
        case let .bool(b): return .bool(b)
        }
    }

    public init?(json: JSON) {
        switch json {
        case let .int(i): self = .int(i)
        case let .double(d): self = .float(d)
        case let .string(s): self = .string(s)
        case let .bool(b): self = .bool(b)
        default: return nil
        }
    }
}
