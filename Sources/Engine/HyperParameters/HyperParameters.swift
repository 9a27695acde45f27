/// A search space and the current values of its active hyperparameters (Keras Tuner's
/// `HyperParameters`). A reference type because `build(hp)` and `run_trial` declare into the very
/// object the oracle filled in.
public final class HyperParameters: CustomStringConvertible {
    /// Every declared hyperparameter, in declaration order (parents before their children).
    public private(set) var space: [HyperParameter] = []
    /// Values of the active hyperparameters only, so user code cannot depend on inactive ones.
    public var values = HPValues()

    private var byName: [String: [Int]] = [:]
    private var nameScopes: [String] = []
    private var currentConditions: [Condition] = []
    /// Bumped whenever `space` grows, so owners can cache an encoding of it.
    public private(set) var spaceVersion = 0
    /// The condition stacks of the conditional scopes entered so far, by whether they were active
    /// on entry (Keras Tuner's `active_scopes`/`inactive_scopes`, which explore every branch).
    public private(set) var activeScopes: [[Condition]] = []
    public private(set) var inactiveScopes: [[Condition]] = []

    public init() {}

    // MARK: - Declaring

    /// `hp.Float(...)`; returns the value, or nil when the hyperparameter is inactive.
    @discardableResult
    public func float(_ name: String, minValue: Double, maxValue: Double, step: Double? = nil,
                      sampling: String? = "linear", default def: Double? = nil,
                      parentName: String? = nil, parentValues: [HPValue]? = nil) throws -> HPValue? {
        try withOptionalScope(parentName, parentValues) {
            try declare(HyperParameter.float(qualified(name), minValue: minValue, maxValue: maxValue, step: step,
                                             sampling: sampling, default: def, conditions: currentConditions))
        }
    }

    /// `hp.Int(...)`; numbers must be integral.
    @discardableResult
    public func int(_ name: String, minValue: Double, maxValue: Double, step: Double? = nil,
                    sampling: String? = "linear", default def: Double? = nil,
                    parentName: String? = nil, parentValues: [HPValue]? = nil) throws -> HPValue? {
        try withOptionalScope(parentName, parentValues) {
            try declare(HyperParameter.int(qualified(name), minValue: minValue, maxValue: maxValue, step: step,
                                           sampling: sampling, default: def, conditions: currentConditions))
        }
    }

    /// `hp.Choice(name, values, ordered=None, default=None)`.
    @discardableResult
    public func choice(_ name: String, values: [HPValue], ordered: Bool? = nil, default def: HPValue? = nil,
                       parentName: String? = nil, parentValues: [HPValue]? = nil) throws -> HPValue? {
        try withOptionalScope(parentName, parentValues) {
            try declare(HyperParameter.choice(qualified(name), values: values, ordered: ordered, default: def,
                                              conditions: currentConditions))
        }
    }

    /// `hp.Boolean(name, default=False)`.
    @discardableResult
    public func boolean(_ name: String, default def: Bool = false,
                        parentName: String? = nil, parentValues: [HPValue]? = nil) throws -> HPValue? {
        try withOptionalScope(parentName, parentValues) {
            try declare(HyperParameter.boolean(qualified(name), default: def, conditions: currentConditions))
        }
    }

    /// `hp.Fixed(name, value)`.
    @discardableResult
    public func fixed(_ name: String, value: HPValue,
                      parentName: String? = nil, parentValues: [HPValue]? = nil) throws -> HPValue? {
        try withOptionalScope(parentName, parentValues) {
            try declare(HyperParameter.fixed(qualified(name), value: value, conditions: currentConditions))
        }
    }

    /// Registers `hp` (already qualified and conditioned) or returns the existing one's value.
    /// Redeclaring the same name under the same conditions with other arguments is an error naming
    /// both declarations (Keras Tuner silently keeps the first).
    @discardableResult
    public func declare(_ hp: HyperParameter) throws -> HPValue? {
        if let existing = find(hp.name, conditions: hp.conditions) {
            guard existing.sameDeclaration(as: hp) else {
                throw EngineError.invalid(
                    "\(hp.className): '\(hp.name)' is already declared as \(existing); it cannot be redeclared as \(hp)")
            }
            return isActive(existing) ? values[hp.name] : nil
        }
        return try register(hp, overwrite: false)
    }

    func register(_ hp: HyperParameter, overwrite: Bool) throws -> HPValue? {
        for c in hp.conditions where c.parentName == hp.name {
            throw EngineError.invalid(
                "\(hp.className): a conditional hyperparameter cannot have the same name as its parent, found '\(hp.name)' and parent_name '\(c.parentName)'")
        }
        byName[hp.name, default: []].append(space.count)
        space.append(hp)
        spaceVersion += 1
        guard isActive(hp) else { return nil }
        if overwrite || !values.contains(hp.name) { values[hp.name] = hp.defaultValue }
        return values[hp.name]
    }

    // MARK: - Scopes

    /// Runs `body` with hyperparameters declared inside active only when `parentName` has one of
    /// `parentValues`. Nested scopes are ANDed. The body always runs, as in Keras Tuner.
    public func conditionalScope<T>(_ parentName: String, _ parentValues: [HPValue], _ body: () throws -> T) throws -> T {
        let full = qualified(parentName)
        guard byName[full] != nil else {
            throw EngineError.invalid("conditional_scope: parent_name '\(full)' is not a declared hyperparameter")
        }
        currentConditions.append(try Condition(parentName: full, values: parentValues))
        defer { currentConditions.removeLast() }
        if currentConditions.allSatisfy({ $0.isActive(values) }) {
            activeScopes.append(currentConditions)
        } else {
            inactiveScopes.append(currentConditions)
        }
        return try body()
    }

    /// Runs `body` with names prefixed by `name/`.
    public func nameScope<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        nameScopes.append(name)
        defer { nameScopes.removeLast() }
        return try body()
    }

    private func withOptionalScope(_ parentName: String?, _ parentValues: [HPValue]?,
                                   _ body: () throws -> HPValue?) throws -> HPValue? {
        guard let parentName, !parentName.isEmpty else { return try body() }
        guard let parentValues else {
            throw EngineError.invalid("conditional_scope: parent_values is required with parent_name '\(parentName)'")
        }
        return try conditionalScope(parentName, parentValues, body)
    }

    private func qualified(_ name: String) -> String {
        nameScopes.isEmpty ? name : nameScopes.joined(separator: "/") + "/" + name
    }

    // MARK: - Queries

    /// The value of an active hyperparameter. Inactive or unknown names are errors that say which.
    public func get(_ name: String) throws -> HPValue {
        let full = qualified(name)
        if let v = values[full] { return v }
        if byName[full] != nil { throw EngineError(.inactive, "get: hyperparameter '\(full)' is currently inactive") }
        throw EngineError(.notFound, "get: hyperparameter '\(full)' does not exist")
    }

    /// Whether any hyperparameter of this name has all its conditions met.
    public func isActive(_ name: String) -> Bool {
        (byName[qualified(name)] ?? []).contains { isActive(space[$0]) }
    }

    public func isActive(_ hp: HyperParameter) -> Bool {
        hp.conditions.allSatisfy { $0.isActive(values) }
    }

    /// Whether `name` is declared (active or not).
    public func isDeclared(_ name: String) -> Bool { byName[name] != nil }

    /// Every declaration of `name` (one per set of conditions).
    func declarations(of name: String) -> [HyperParameter] {
        (byName[name] ?? []).map { space[$0] }
    }

    func find(_ name: String, conditions: [Condition]) -> HyperParameter? {
        guard let idx = byName[name] else { return nil }
        return idx.lazy.map { self.space[$0] }.first { $0.conditions == conditions }
    }

    func exists(_ hp: HyperParameter) -> Bool { find(hp.name, conditions: hp.conditions) != nil }

    /// The hyperparameters model-based oracles encode (every kind but Fixed), in declaration order.
    public var tunable: [HyperParameter] { space.filter(\.isTunable) }

    // MARK: - Copy, merge, active values

    /// An independent copy with the same space and values.
    public func copy() -> HyperParameters {
        let c = HyperParameters()
        c.space = space
        c.byName = byName
        c.values = values
        c.spaceVersion = spaceVersion
        return c
    }

    /// Adds hyperparameters from another space, as Keras Tuner's `merge(hps, overwrite)` does.
    /// With `overwrite`, one that is already declared (same name and conditions) is replaced by
    /// the other's declaration and its value reset to that declaration's default; without it,
    /// existing declarations and their values are kept and only new ones are added.
    public func merge(_ other: HyperParameters, overwrite: Bool = true) throws {
        try merge(other.space, overwrite: overwrite)
    }

    public func merge(_ hps: [HyperParameter], overwrite: Bool = true) throws {
        for hp in hps {
            if let i = (byName[hp.name] ?? []).first(where: { space[$0].conditions == hp.conditions }) {
                guard overwrite else { continue }
                // Keras Tuner appends a second declaration; replacing keeps one per name and conditions.
                space[i] = hp
                spaceVersion += 1
                if isActive(hp) { values[hp.name] = hp.defaultValue }
                continue
            }
            _ = try register(hp, overwrite: overwrite)
        }
    }

    /// Drops values of inactive hyperparameters and gives missing active ones their default.
    /// (Keras Tuner draws a fresh unseeded random value here; a default keeps runs reproducible.)
    public func ensureActiveValues() {
        for hp in space {
            if isActive(hp) {
                if !values.contains(hp.name) { values[hp.name] = hp.defaultValue }
            } else if !(byName[hp.name] ?? []).contains(where: { isActive(space[$0]) }) {
                values[hp.name] = nil
            }
        }
    }

    // MARK: - Storage and printing

    /// `{"space": [...], "values": {...}}`, Keras Tuner's config shape.
    public var json: JSON { .object([("space", spaceJSON), ("values", values.json)]) }
    public var spaceJSON: JSON { .array(space.map(\.json)) }

    public static func from(json: JSON) throws -> HyperParameters {
        let hps = HyperParameters()
        for item in json["space"]?.arrayValue ?? [] { _ = try hps.register(HyperParameter(json: item), overwrite: false) }
        if let v = json["values"] { hps.values = try HPValues(json: v) }
        return hps
    }

    public var description: String {
        "HyperParameters(" + values.map { "\($0.name)=\($0.value.pythonRepr)" }.joined(separator: ", ") + ")"
    }
}
