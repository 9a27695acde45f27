#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One declared hyperparameter: its kind with Keras Tuner's arguments, and the conditions under
/// which it is active. Identified, as in Keras Tuner, by name plus conditions.
public struct HyperParameter: Equatable, Sendable, CustomStringConvertible {
    /// The five kinds with their arguments as Keras Tuner stores them (`default` nil = unspecified).
    public enum Kind: Equatable, Sendable {
        case float(min: Double, max: Double, step: Double?, sampling: Sampling, default: Double?)
        case int(min: Int64, max: Int64, step: Int64?, sampling: Sampling, default: Int64?)
        case choice(values: [HPValue], ordered: Bool, default: HPValue?)
        case boolean(default: Bool)
        case fixed(value: HPValue)
    }

    public let name: String
    public let kind: Kind
    public let conditions: [Condition]

    public init(name: String, kind: Kind, conditions: [Condition] = []) {
        self.name = name
        self.kind = kind
        self.conditions = conditions
    }

    // MARK: - Validated constructors (Keras Tuner's arguments and checks)

    /// `Float(name, min_value, max_value, step=None, sampling="linear", default=None)`.
    public static func float(_ name: String, minValue: Double, maxValue: Double, step: Double? = nil,
                             sampling: String? = "linear", default def: Double? = nil,
                             conditions: [Condition] = []) throws -> HyperParameter {
        let fn = "Float"
        guard minValue.isFinite, maxValue.isFinite else {
            throw EngineError.invalid("\(fn)(name='\(name)'): min_value and max_value must be finite numbers, got \(PyFormat.repr(minValue)) and \(PyFormat.repr(maxValue))")
        }
        let s = try Sampling(parsing: sampling, function: fn, name: name)
        try checkNumeric(fn, name, min: minValue, max: maxValue, step: step, sampling: s)
        if let def {
            guard def.isFinite, def >= minValue, def <= maxValue else {
                throw EngineError.invalid("\(fn)(name='\(name)'): default must be within [\(PyFormat.repr(minValue)), \(PyFormat.repr(maxValue))], got \(PyFormat.repr(def))")
            }
        }
        return HyperParameter(name: name, kind: .float(min: minValue, max: maxValue, step: step, sampling: s, default: def),
                              conditions: conditions)
    }

    /// `Int(name, min_value, max_value, step=None, sampling="linear", default=None)`; numbers must be
    /// integral (a Lua float such as `32.0` is accepted, `1.5` is not).
    public static func int(_ name: String, minValue: Double, maxValue: Double, step: Double? = nil,
                           sampling: String? = "linear", default def: Double? = nil,
                           conditions: [Condition] = []) throws -> HyperParameter {
        let fn = "Int"
        func integral(_ v: Double, _ arg: String) throws -> Int64 {
            guard v.isFinite, v.rounded() == v, abs(v) < 9.0e15 else {
                throw EngineError.invalid("\(fn)(name='\(name)'): \(arg) must be an integer, got \(PyFormat.repr(v))")
            }
            return Int64(v)
        }
        let lo = try integral(minValue, "min_value")
        let hi = try integral(maxValue, "max_value")
        let st = try step.map { try integral($0, "step") }
        let d = try def.map { try integral($0, "default") }
        let s = try Sampling(parsing: sampling, function: fn, name: name)
        try checkNumeric(fn, name, min: Double(lo), max: Double(hi), step: st.map(Double.init), sampling: s)
        if let d, d < lo || d > hi {
            throw EngineError.invalid("\(fn)(name='\(name)'): default must be within [\(lo), \(hi)], got \(d)")
        }
        // Keras Tuner: a linear Int without a step steps by 1.
        let effectiveStep = st ?? (s == .linear ? 1 : nil)
        return HyperParameter(name: name, kind: .int(min: lo, max: hi, step: effectiveStep, sampling: s, default: d),
                              conditions: conditions)
    }

    private static func checkNumeric(_ fn: String, _ name: String, min: Double, max: Double, step: Double?,
                                     sampling: Sampling) throws {
        let p = "\(fn)(name='\(name)')"
        if min > max {
            throw EngineError.invalid("\(p): min_value \(fmt(fn, min)) is greater than the max_value \(fmt(fn, max))")
        }
        if sampling != .linear && min <= 0 {
            throw EngineError.invalid("\(p): sampling='\(sampling.rawValue)' does not support negative values, found min_value: \(fmt(fn, min))")
        }
        if let step {
            guard step.isFinite else {
                throw EngineError.invalid("\(p): step must be a finite number, got \(PyFormat.repr(step))")
            }
            if sampling != .linear && step <= 1 {
                throw EngineError.invalid("\(p): expected step > 1 with sampling='\(sampling.rawValue)'. Received: step=\(fmt(fn, step))")
            }
            if sampling == .linear && step <= 0 {
                throw EngineError.invalid("\(p): expected step > 0. Received: step=\(fmt(fn, step))")
            }
            // Python's integers are unbounded; ours are not, and nobody means 10^13 grid points.
            let count = sampling == .linear ? (max - min) / step : log(max / min) / log(step)
            if !(count < 1e12) {
                throw EngineError.invalid("\(p): step=\(fmt(fn, step)) is too small for the range [\(fmt(fn, min)), \(fmt(fn, max))] (more than 10^12 values)")
            }
        }
    }

    private static func fmt(_ fn: String, _ v: Double) -> String {
        fn == "Int" ? String(Int64(v)) : PyFormat.repr(v)
    }

    /// `Choice(name, values, ordered=None, default=None)`: one type only, default among the values.
    public static func choice(_ name: String, values: [HPValue], ordered: Bool? = nil, default def: HPValue? = nil,
                              conditions: [Condition] = []) throws -> HyperParameter {
        let p = "Choice(name='\(name)')"
        guard let first = values.first else {
            throw EngineError.invalid("\(p): values must be a non-empty list")
        }
        let types = Set(values.map(\.typeName))
        guard types.count == 1 else {
            throw EngineError.invalid("\(p): a Choice can contain only one type of value, found values: [\(values.map(\.pythonRepr).joined(separator: ", "))] with types \(types.sorted().joined(separator: ", "))")
        }
        if case let .float(d) = values.first(where: { $0.numeric?.isFinite == false }) ?? .int(0) {
            throw EngineError.invalid("\(p): values must be finite numbers, got \(PyFormat.repr(d))")
        }
        if Set(values).count != values.count {
            throw EngineError.invalid("\(p): values must be distinct, got [\(values.map(\.pythonRepr).joined(separator: ", "))]")
        }
        var defaultValue = def
        if let d = def {
            // Keras Tuner standardizes the default to the choices' type (an int default 1 for floats is 1.0).
            if case .float = first, case let .int(i) = d { defaultValue = .float(Double(i)) }
            guard values.contains(defaultValue!) else {
                throw EngineError.invalid("\(p): the default value should be one of the choices. You passed: values=[\(values.map(\.pythonRepr).joined(separator: ", "))], default=\(d.pythonRepr)")
            }
        }
        let numeric = first.numeric != nil
        if ordered == true && !numeric {
            throw EngineError.invalid("\(p): ordered must be false for non-numeric types")
        }
        return HyperParameter(name: name, kind: .choice(values: values, ordered: ordered ?? numeric, default: defaultValue),
                              conditions: conditions)
    }

    /// `Boolean(name, default=False)`.
    public static func boolean(_ name: String, default def: Bool = false, conditions: [Condition] = []) -> HyperParameter {
        HyperParameter(name: name, kind: .boolean(default: def), conditions: conditions)
    }

    /// `Fixed(name, value)`.
    public static func fixed(_ name: String, value: HPValue, conditions: [Condition] = []) -> HyperParameter {
        HyperParameter(name: name, kind: .fixed(value: value), conditions: conditions)
    }

    // MARK: - Defaults and values

    /// The class name Keras Tuner prints (`Float`, `Int`, `Choice`, `Boolean`, `Fixed`).
    public var className: String {
        switch kind {
        case .float: return "Float"
        case .int: return "Int"
        case .choice: return "Choice"
        case .boolean: return "Boolean"
        case .fixed: return "Fixed"
        }
    }

    /// The value used when nothing else chose one (min_value for numbers, the first choice, …).
    public var defaultValue: HPValue {
        switch kind {
        case let .float(min, _, _, _, d): return .float(d ?? min)
        case let .int(min, _, _, _, d): return .int(d ?? min)
        case let .choice(values, _, d): return d ?? values[0]
        case let .boolean(d): return .bool(d)
        case let .fixed(v): return v
        }
    }

    /// Whether a value is one this hyperparameter can take (for values handed in from outside).
    public func accepts(_ value: HPValue) -> Bool {
        switch (kind, value) {
        case let (.float(min, max, _, _, _), v): return v.numeric.map { $0 >= min && $0 <= max } ?? false
        case let (.int(min, max, _, _, _), .int(i)): return i >= min && i <= max
        case let (.choice(values, _, _), v): return values.contains(v)
        case (.boolean, .bool): return true
        case let (.fixed(f), v): return f == v
        default: return false
        }
    }

    /// Every value a grid visits, ascending (Choice in declared order); a Float without a step gives
    /// the centres of 10 equal probability buckets, as Keras Tuner's `values` does.
    public var gridValues: [HPValue] {
        switch kind {
        case let .float(min, max, step, sampling, _):
            if step == nil {
                let raw = (0..<10).map { probToValue(Double($0) * 0.1 + 0.05) }
                return HyperParameter.sortedUnique(raw)
            }
            let n = numberOfSteps(min: min, max: max, step: step!, sampling: sampling)
            return HyperParameter.sortedUnique((0..<n).map { .float(valueByIndex($0, min: min, max: max, step: step!, sampling: sampling)) })
        case let .int(min, max, step, sampling, _):
            guard let step else {
                let raw = (0..<10).map { probToValue(Double($0) * 0.1 + 0.05) }
                return HyperParameter.sortedUnique(raw)
            }
            let n = numberOfSteps(min: Double(min), max: Double(max), step: Double(step), sampling: sampling)
            return HyperParameter.sortedUnique((0..<n).map {
                .int(Int64(valueByIndex($0, min: Double(min), max: Double(max), step: Double(step), sampling: sampling)))
            })
        case let .choice(values, _, _): return values
        case .boolean: return [.bool(false), .bool(true)]
        case let .fixed(v): return [v]
        }
    }

    /// How many values `finiteSupport` holds, without building it (nil when continuous).
    var supportCount: Int? {
        switch kind {
        case let .float(min, max, step, sampling, _):
            if min == max { return 1 }
            guard let step else { return nil }
            return numberOfSteps(min: min, max: max, step: step, sampling: sampling)
        case let .int(min, max, step, sampling, _):
            guard let step else { return Int(max - min) + 1 }
            return numberOfSteps(min: Double(min), max: Double(max), step: Double(step), sampling: sampling)
        case let .choice(values, _, _): return values.count
        case .boolean: return 2
        case .fixed: return 1
        }
    }

    /// How many values a grid search gives this hyperparameter, without building them when they
    /// are many: `gridValues`, plus the default when it is not among them (Keras Tuner puts the
    /// default first and drops it from the rest, so `Float(1, 2)` has 11 and `Float(0, 1, step=0.25)` 5).
    var gridCount: Int {
        switch kind {
        case let .float(min, max, step?, sampling, _) where min != max:
            let n = numberOfSteps(min: min, max: max, step: step, sampling: sampling)
            return n + (steppedGridContains(defaultValue.numeric!, n: n) ? 0 : 1)
        case let .int(min, max, step?, sampling, _):
            let n = numberOfSteps(min: Double(min), max: Double(max), step: Double(step), sampling: sampling)
            return n + (steppedGridContains(defaultValue.numeric!, n: n) ? 0 : 1)
        default:
            let values = gridValues
            return values.count + (values.contains(defaultValue) ? 0 : 1)
        }
    }

    /// Whether the stepped grid of `n` values holds `value` exactly (checking the indices next to
    /// where the value falls, so large grids are not built).
    private func steppedGridContains(_ value: Double, n: Int) -> Bool {
        let (lo, hi, step, sampling, isInt): (Double, Double, Double, Sampling, Bool)
        switch kind {
        case let .float(a, b, s?, sm, _): (lo, hi, step, sampling, isInt) = (a, b, s, sm, false)
        case let .int(a, b, s?, sm, _): (lo, hi, step, sampling, isInt) = (Double(a), Double(b), Double(s), sm, true)
        default: return false
        }
        let position: Double
        switch sampling {
        case .linear: position = (value - lo) / step
        case .log: position = log(value / lo) / log(step)
        case .reverseLog: position = log((hi - value + lo) / lo) / log(step)
        }
        guard position.isFinite else { return false }
        let centre = Int(Swift.max(-1, Swift.min(Double(n), position.rounded())))
        for i in (centre - 1)...(centre + 1) where i >= 0 && i < n {
            let v = valueByIndex(i, min: lo, max: hi, step: step, sampling: sampling)
            if (isInt ? Double(Int64(v)) : v) == value { return true }
        }
        return false
    }

    /// The finite set random search can draw from, or nil when it is continuous or very large.
    /// Used only to tell an exhausted space from an unlucky run of duplicates.
    var finiteSupport: [HPValue]? {
        switch kind {
        case let .float(min, max, step, _, _):
            if min == max { return [.float(min)] }
            return step == nil ? nil : gridValues
        case let .int(min, max, step, _, _):
            if step == nil {
                guard max - min < 100_000 else { return nil }
                return HyperParameter.sortedUnique((min...max).map { .int($0) }.filter { _ in true })
            }
            return gridValues
        default: return gridValues
        }
    }

    private static func sortedUnique(_ values: [HPValue]) -> [HPValue] {
        var seen = Set<HPValue>()
        let unique = values.filter { seen.insert($0).inserted }
        return unique.sorted { ($0.numeric ?? 0) < ($1.numeric ?? 0) }
    }

    // MARK: - Cumulative probability (Keras Tuner's prob_to_value / value_to_prob)

    /// Maps a cumulative probability in [0, 1) to a value, exactly as Keras Tuner does.
    public func probToValue(_ prob: Double) -> HPValue {
        switch kind {
        case let .float(min, max, step, sampling, _):
            if let step {
                let n = numberOfSteps(min: min, max: max, step: step, sampling: sampling)
                return .float(valueByIndex(HyperParameter.probToIndex(prob, n), min: min, max: max, step: step, sampling: sampling))
            }
            return .float(HyperParameter.sample(prob, min: min, max: max, sampling: sampling))
        case let .int(min, max, step, sampling, _):
            if let step {
                let n = numberOfSteps(min: Double(min), max: Double(max), step: Double(step), sampling: sampling)
                let v = valueByIndex(HyperParameter.probToIndex(prob, n), min: Double(min), max: Double(max),
                                     step: Double(step), sampling: sampling)
                return .int(Int64(v))
            }
            // max_value + 1 so that max_value can be drawn; int() truncates as in Python.
            let v = HyperParameter.sample(prob, min: Double(min), max: Double(max) + 1, sampling: sampling)
            return .int(Swift.min(max, Int64(v)))
        case let .choice(values, _, _):
            return values[HyperParameter.probToIndex(prob, values.count)]
        case .boolean:
            return .bool(prob >= 0.5)
        case let .fixed(v):
            return v
        }
    }

    /// Maps a value to the centre of its cumulative-probability bucket, exactly as Keras Tuner does.
    public func valueToProb(_ value: HPValue) throws -> Double {
        // Built only when thrown: formatting the value costs more than the whole encoding.
        var wrongKind: EngineError {
            EngineError.invalid("value_to_prob: \(className)(name='\(name)') cannot take the value \(value.pythonRepr)")
        }
        switch kind {
        case let .float(min, max, step, sampling, _):
            guard let v = value.numeric else { throw wrongKind }
            if let step { return toProbWithStep(v, min: min, max: max, step: step, sampling: sampling) }
            return HyperParameter.numericalToProb(v, min: min, max: max, sampling: sampling)
        case let .int(min, max, step, sampling, _):
            guard let v = value.numeric else { throw wrongKind }
            if let step { return toProbWithStep(v, min: Double(min), max: Double(max), step: Double(step), sampling: sampling) }
            return HyperParameter.numericalToProb(v + 0.5, min: Double(min), max: Double(max) + 1, sampling: sampling)
        case let .choice(values, _, _):
            guard let i = values.firstIndex(where: { Condition.matches($0, value) }) else { throw wrongKind }
            return HyperParameter.indexToProb(Double(i), values.count)
        case .boolean:
            guard case let .bool(b) = value else { throw wrongKind }
            return b ? 0.75 : 0.25
        case .fixed:
            return 0.5
        }
    }

    /// Whether model-based oracles put this hyperparameter in their [0, 1] encoding (Fixed is not).
    public var isTunable: Bool {
        if case .fixed = kind { return false }
        return true
    }

    /// The [0, 1] encoding for model-based oracles: Int/Float by their sampling's cumulative
    /// probability, Choice by index bucket, Boolean 0.25/0.75. Same as `valueToProb`.
    public func encode(_ value: HPValue) throws -> Double { try valueToProb(value) }

    /// Inverse of `encode`.
    public func decode(_ unit: Double) -> HPValue { probToValue(Swift.min(Swift.max(unit, 0), 1)) }

    static func probToIndex(_ prob: Double, _ n: Int) -> Int {
        let element = 1.0 / Double(n)
        var index = Int(floor(prob / element))
        if index >= n { index = n - 1 }
        if index < 0 { index = 0 }
        return index
    }

    static func indexToProb(_ index: Double, _ n: Int) -> Double {
        (index + 0.5) * (1.0 / Double(n))
    }

    static func sample(_ prob: Double, min: Double, max: Double, sampling: Sampling) -> Double {
        switch sampling {
        case .linear: return prob * (max - min) + min
        case .log: return min * pow(max / min, prob)
        case .reverseLog: return max + min - min * pow(max / min, 1 - prob)
        }
    }

    static func numericalToProb(_ value: Double, min: Double, max: Double, sampling: Sampling) -> Double {
        if max == min { return 0.5 }
        switch sampling {
        case .linear: return (value - min) / (max - min)
        case .log: return log(value / min) / log(max / min)
        case .reverseLog: return 1.0 - log((max + min - value) / min) / log(max / min)
        }
    }

    func numberOfSteps(min: Double, max: Double, step: Double, sampling: Sampling) -> Int {
        switch sampling {
        // Keras Tuner floor-divides, so `Float(0, 0.3, step=0.1)` loses 0.3 to rounding
        // (0.3 / 0.1 = 2.9999999999999996); a tolerance keeps the documented inclusive max.
        case .linear: return Int(floor((max - min) / step + 1e-9)) + 1
        case .log, .reverseLog: return Int(log(max / min) / log(step) + 1e-8) + 1
        }
    }

    func valueByIndex(_ index: Int, min: Double, max: Double, step: Double, sampling: Sampling) -> Double {
        switch sampling {
        case .linear: return min + Double(index) * step
        case .log: return min * pow(step, Double(index))
        case .reverseLog: return max + min - min * pow(step, Double(index))
        }
    }

    func toProbWithStep(_ value: Double, min: Double, max: Double, step: Double, sampling: Sampling) -> Double {
        let index: Double
        switch sampling {
        case .linear: index = floor((value - min) / step + 1e-9)
        case .log: index = log(value / min) / log(step)
        case .reverseLog: index = log((max - value + min) / min) / log(step)
        }
        return HyperParameter.indexToProb(index, numberOfSteps(min: min, max: max, step: step, sampling: sampling))
    }

    // MARK: - Printing and storage

    /// Keras Tuner's `repr()` of the hyperparameter, used in messages.
    public var description: String {
        switch kind {
        case let .float(min, max, step, sampling, d):
            return "Float(name: '\(name)', min_value: '\(PyFormat.repr(min))', max_value: '\(PyFormat.repr(max))', step: '\(PyFormat.optional(step))', sampling: '\(sampling.rawValue)', default: '\(PyFormat.repr(d ?? min))')"
        case let .int(min, max, step, sampling, d):
            return "Int(name: '\(name)', min_value: \(min), max_value: \(max), step: \(step.map { String($0) } ?? "None"), sampling: \(sampling.rawValue), default: \(d ?? min))"
        case let .choice(values, ordered, _):
            return "Choice(name: '\(name)', values: [\(values.map(\.pythonRepr).joined(separator: ", "))], ordered: \(ordered ? "True" : "False"), default: \(defaultValue.description))"
        case let .boolean(d):
            return "Boolean(name: \"\(name)\", default: \(d ? "True" : "False"))"
        case let .fixed(v):
            return "Fixed(name: \(name), value: \(v.description))"
        }
    }

    /// The config dict `search_space_summary` prints (Python repr, Keras Tuner's key order).
    public var configRepr: String {
        let conds = "[" + conditions.map(\.pythonRepr).joined(separator: ", ") + "]"
        switch kind {
        case let .float(min, max, step, sampling, d):
            return "{'default': \(PyFormat.repr(d ?? min)), 'conditions': \(conds), 'min_value': \(PyFormat.repr(min)), 'max_value': \(PyFormat.repr(max)), 'step': \(PyFormat.optional(step)), 'sampling': '\(sampling.rawValue)'}"
        case let .int(min, max, step, sampling, d):
            return "{'default': \(d.map { String($0) } ?? "None"), 'conditions': \(conds), 'min_value': \(min), 'max_value': \(max), 'step': \(step.map { String($0) } ?? "None"), 'sampling': '\(sampling.rawValue)'}"
        case let .choice(values, ordered, _):
            return "{'default': \(defaultValue.pythonRepr), 'conditions': \(conds), 'values': [\(values.map(\.pythonRepr).joined(separator: ", "))], 'ordered': \(ordered ? "True" : "False")}"
        case let .boolean(d):
            return "{'default': \(d ? "True" : "False"), 'conditions': \(conds)}"
        case let .fixed(v):
            return "{'conditions': \(conds), 'value': \(v.pythonRepr)}"
        }
    }

    /// Keras Tuner-shaped config (`{"class_name": "Float", "config": {...}}`) for storage: the
    /// defaults as declared (nil where none was given), so a stored space reads back the same.
    public var json: JSON { encoded(effectiveDefaults: false) }

    /// The config with `effectiveDefaults` (Keras Tuner's `get_config`: a Float's and a Choice's
    /// default is the one in force; an Int's stays unset when unset), or the declared ones.
    func encoded(effectiveDefaults: Bool) -> JSON {
        var c: [(String, JSON)] = [("name", .string(name))]
        func opt(_ d: Double?) -> JSON { d.map(JSON.double) ?? .null }
        func opt(_ i: Int64?) -> JSON { i.map(JSON.int) ?? .null }
        switch kind {
        case let .float(min, max, step, sampling, d):
            c += [("default", effectiveDefaults ? defaultValue.json : opt(d)), ("min_value", .double(min)),
                  ("max_value", .double(max)), ("step", opt(step)), ("sampling", .string(sampling.rawValue))]
        case let .int(min, max, step, sampling, d):
            c += [("default", opt(d)), ("min_value", .int(min)), ("max_value", .int(max)),
                  ("step", opt(step)), ("sampling", .string(sampling.rawValue))]
        case let .choice(values, ordered, d):
            c += [("default", effectiveDefaults ? defaultValue.json : d?.json ?? .null),
                  ("values", .array(values.map(\.json))), ("ordered", .bool(ordered))]
        case let .boolean(d):
            c += [("default", .bool(d))]
        case let .fixed(v):
            c += [("value", v.json)]
        }
        c.append(("conditions", .array(conditions.map(\.json))))
        return .object([("class_name", .string(className)), ("config", .object(c))])
    }

    public init(json: JSON) throws {
        let bad = EngineError(.corruptData, "HyperParameter: malformed stored hyperparameter \(json.encoded)")
        guard let cls = json["class_name"]?.stringValue, let c = json["config"], let name = c["name"]?.stringValue else { throw bad }
        let conditions = try (c["conditions"]?.arrayValue ?? []).map(Condition.init(json:))
        func sampling() throws -> Sampling {
            guard let s = Sampling(rawValue: c["sampling"]?.stringValue ?? "linear") else { throw bad }
            return s
        }
        // Through the validating constructors, so a damaged file is an error, never a bad space.
        let hp: HyperParameter
        do {
            switch cls {
            case "Float":
                guard let lo = c["min_value"]?.doubleValue, let hi = c["max_value"]?.doubleValue else { throw bad }
                hp = try .float(name, minValue: lo, maxValue: hi, step: c["step"]?.doubleValue,
                                sampling: try sampling().rawValue, default: c["default"]?.doubleValue, conditions: conditions)
            case "Int":
                guard let lo = c["min_value"]?.intValue, let hi = c["max_value"]?.intValue else { throw bad }
                hp = try .int(name, minValue: Double(lo), maxValue: Double(hi), step: c["step"]?.intValue.map(Double.init),
                              sampling: try sampling().rawValue, default: c["default"]?.intValue.map(Double.init),
                              conditions: conditions)
            case "Choice":
                guard let vs = c["values"]?.arrayValue else { throw bad }
                hp = try .choice(name, values: vs.compactMap(HPValue.init(json:)), ordered: c["ordered"]?.boolValue,
                                 default: c["default"].flatMap(HPValue.init(json:)), conditions: conditions)
            case "Boolean":
                hp = .boolean(name, default: c["default"]?.boolValue ?? false, conditions: conditions)
            case "Fixed":
                guard let v = c["value"].flatMap(HPValue.init(json:)) else { throw bad }
                hp = .fixed(name, value: v, conditions: conditions)
            default:
                throw bad
            }
        } catch let e as EngineError where e.kind == .invalidArgument {
            throw EngineError(.corruptData, "HyperParameter: stored hyperparameter is invalid (\(e.message))")
        }
        self = hp
    }

    /// Same declaration up to unspecified-vs-explicit defaults (`default=None` equals `default=min`).
    func sameDeclaration(as other: HyperParameter) -> Bool {
        guard name == other.name, conditions == other.conditions else { return false }
        switch (kind, other.kind) {
        case let (.float(a0, a1, a2, a3, _), .float(b0, b1, b2, b3, _)):
            return a0 == b0 && a1 == b1 && a2 == b2 && a3 == b3 && defaultValue == other.defaultValue
        case let (.int(a0, a1, a2, a3, _), .int(b0, b1, b2, b3, _)):
            return a0 == b0 && a1 == b1 && a2 == b2 && a3 == b3 && defaultValue == other.defaultValue
        case let (.choice(a0, a1, _), .choice(b0, b1, _)):
            return a0 == b0 && a1 == b1 && defaultValue == other.defaultValue
        default:
            return kind == other.kind
        }
    }
}
