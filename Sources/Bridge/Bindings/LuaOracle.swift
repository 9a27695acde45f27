import Engine

/// An oracle whose `populate_space` is Lua code (`kt.oracles.Oracle:extend()`), as Keras Tuner's
/// custom oracles subclass `Oracle`. Trials, retries, the end of the search and persistence are
/// the base oracle's, so such an oracle resumes like a built-in one.
final class LuaOracle: Oracle {
    let className: String
    /// The Lua instance, attached while a search runs (it holds this object, so holding it for
    /// good would keep both alive forever).
    var instance: LuaTable?

    init(kind: String, objective: Objective, maxTrials: Int?, hyperparameters: HyperParameters?, allowNewEntries: Bool,
         tuneNewEntries: Bool, seed: Int?, maxRetriesPerTrial: Int, maxConsecutiveFailedTrials: Int?) throws {
        className = kind
        try super.init(objective: objective, maxTrials: maxTrials, hyperparameters: hyperparameters,
                       allowNewEntries: allowNewEntries, tuneNewEntries: tuneNewEntries, seed: seed,
                       maxRetriesPerTrial: maxRetriesPerTrial, maxConsecutiveFailedTrials: maxConsecutiveFailedTrials)
    }

    override var kind: String { className }

    /// Reads Keras Tuner's response dict: `{status = "RUNNING", values = {name = value, …}}`,
    /// `{status = "STOPPED"}` or `{status = "IDLE"}`.
    override func populateSpace(trialId: String) throws -> PopulateResponse {
        guard let instance else {
            throw EngineError(.notImplemented, "\(className).populate_space: the oracle is not attached to a running search")
        }
        let state = instance.state
        let result = try state.invoke(.table(instance), "populate_space", [.string(trialId)]).first ?? .nil
        guard let response = result.tableValue else {
            throw LuaCallError("populate_space: must return a table {status = \"RUNNING\", values = {…}} (got \(state.typeName(of: result)))")
        }
        switch response["status"].stringValue {
        case "RUNNING":
            return .running(try values(response["values"]))
        case "STOPPED":
            return .stopped(reason: nil)
        case "IDLE":
            return .idle
        default:
            throw LuaCallError("populate_space: status must be \"RUNNING\", \"STOPPED\" or \"IDLE\" (got \(response["status"].description))")
        }
    }

    /// The values by name; a whole number given for a Float hyperparameter is that float.
    private func values(_ value: LuaValue) throws -> HPValues {
        guard let table = value.tableValue else {
            throw LuaCallError("populate_space: 'values' must be a table of hyperparameter values (got \(value.typeName))")
        }
        var values = HPValues()
        for (key, item) in table.pairs {
            guard let name = key.stringValue else {
                throw LuaCallError("populate_space: 'values' keys must be hyperparameter names (got a \(key.typeName) key)")
            }
            guard var hpValue = item.hpValue else {
                throw LuaCallError("populate_space: values['\(name)'] must be a number, string or boolean (got \(item.typeName))")
            }
            let declared = hyperparameters.space.filter { $0.name == name }
            if case .int(let i) = hpValue, declared.contains(where: { if case .float = $0.kind { true } else { false } }) {
                hpValue = .float(Double(i))
            }
            if !declared.isEmpty && !declared.contains(where: { $0.accepts(hpValue) }) {
                throw LuaCallError("populate_space: values['\(name)'] = \(hpValue.pythonRepr) is outside the hyperparameter's range")
            }
            values[name] = hpValue
        }
        return values
    }
}
