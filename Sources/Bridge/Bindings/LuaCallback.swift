import NN

/// A Lua table used as a Keras callback: its methods are called as `cb:on_epoch_end(epoch, logs)`
/// (only the ones it defines), and `cb.model` is the model being trained, as Keras sets it.
final class LuaCallback: Callback {
    let table: LuaTable
    let state: LuaState
    private let defined: Set<String>
    static let hooks = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin",
                        "on_batch_end", "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
                        "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end"]

    init(table: LuaTable, model: LuaValue, state: LuaState) throws {
        self.table = table
        self.state = state
        var found = Set<String>()
        for hook in Self.hooks where try state.has(.table(table), hook) { found.insert(hook) }
        defined = found
        table["model"] = model
    }

    /// Keras's `logs` dict as a Lua table.
    static func logsTable(_ logs: [String: Double]) -> LuaValue {
        .dictionary(logs.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
    }

    private func call(_ name: String, _ arguments: [LuaValue]) throws {
        guard defined.contains(name) else { return }
        _ = try state.invoke(.table(table), name, arguments)
    }

    private func call(_ names: [String], _ arguments: [LuaValue]) throws {
        for name in names where defined.contains(name) {
            _ = try state.invoke(.table(table), name, arguments)
            return
        }
    }

    func onTrainBegin(model: Sequential, logs: [String: Double]) throws { try call("on_train_begin", [Self.logsTable(logs)]) }
    func onTrainEnd(model: Sequential, logs: [String: Double]) throws { try call("on_train_end", [Self.logsTable(logs)]) }
    func onEpochBegin(_ epoch: Int, model: Sequential, logs: [String: Double]) throws {
        try call("on_epoch_begin", [.integer(Int64(epoch)), Self.logsTable(logs)])
    }
    func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout [String: Double]) throws {
        try call("on_epoch_end", [.integer(Int64(epoch)), Self.logsTable(logs)])
    }
    func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws {
        try call(["on_train_batch_begin", "on_batch_begin"], [.integer(Int64(batch)), Self.logsTable(logs)])
    }
    func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws {
        try call(["on_train_batch_end", "on_batch_end"], [.integer(Int64(batch)), Self.logsTable(logs)])
    }
    func onTestBegin(model: Sequential, logs: [String: Double]) throws { try call("on_test_begin", [Self.logsTable(logs)]) }
    func onTestEnd(model: Sequential, logs: [String: Double]) throws { try call("on_test_end", [Self.logsTable(logs)]) }
    func onTestBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws {
        try call("on_test_batch_begin", [.integer(Int64(batch)), Self.logsTable(logs)])
    }
    func onTestBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws {
        try call("on_test_batch_end", [.integer(Int64(batch)), Self.logsTable(logs)])
    }
    func onPredictBegin(model: Sequential, logs: [String: Double]) throws { try call("on_predict_begin", [Self.logsTable(logs)]) }
    func onPredictEnd(model: Sequential, logs: [String: Double]) throws { try call("on_predict_end", [Self.logsTable(logs)]) }
}
