import Engine
import NN

/// Keras Tuner's `Tuner.run_trial` for a hypermodel: build the model from the trial's
/// hyperparameters (a Hyperband trial that continues another starts from that trial's best weights
/// and trains from `tuner/initial_epoch` to `tuner/epochs`, as Keras Tuner's `Hyperband` does),
/// fit it with the search's arguments plus the tuner's callbacks (the tuner's
/// epoch and batch hooks, and a checkpoint of the best epoch's weights, kept in the project
/// database), once per execution; the History objects go back to the oracle, which scores each by
/// its best epoch and averages executions.
enum HypermodelTuning {
    static let source = """
        local save_checkpoint, Tuner = ...

        -- The trailing keyword table of the search's arguments (fit's options), if any.
        local function split(...)
          local n = select("#", ...)
          local args = { ... }
          local last = args[n]
          if n > 0 and type(last) == "table" and getmetatable(last) == nil then
            for k in pairs(last) do
              if type(k) == "string" then
                args[n] = nil
                return args, n - 1, last
              end
            end
          end
          return args, n, {}
        end

        local function tuner_callback(tuner, trial)
          local cb = {}
          local function relay(name)
            if tuner[name] ~= Tuner[name] then
              cb[name] = function(self, i, logs) return tuner[name](tuner, trial, self.model, i, logs) end
            end
          end
          relay("on_epoch_begin"); relay("on_epoch_end"); relay("on_batch_begin"); relay("on_batch_end")
          return cb
        end

        local function best_epoch_checkpoint(tuner, trial)
          local objective = tuner.oracle.objective
          local name, maximize = objective.name, objective.direction == "max"
          local best
          return {
            on_epoch_end = function(self, epoch, logs)
              local value = logs[name]
              if value == nil or value ~= value then return end
              if best == nil or (maximize and value > best) or (not maximize and value < best) then
                best = value
                save_checkpoint(tuner, trial, self.model)
              end
            end,
          }
        end

        return function(tuner, trial, ...)
          local hp = trial.hyperparameters
          local values = hp.values
          local positional, n, options = split(...)
          local histories = {}
          for execution = 1, tuner.executions_per_trial do
            local model = tuner.hypermodel:build(hp)
            if model == nil then
              error("build(hp) returned nil: it must return a compiled keras model", 0)
            end
            -- Hyperband's later rounds continue an earlier trial from its best weights.
            if values["tuner/trial_id"] ~= nil then
              tuner:__load_checkpoint(tuner.oracle:get_trial(values["tuner/trial_id"]), model)
            end
            local opts = {}
            for k, v in pairs(options) do opts[k] = v end
            if values["tuner/epochs"] ~= nil then
              opts.epochs, opts.initial_epoch = values["tuner/epochs"], values["tuner/initial_epoch"]
            end
            local callbacks = {}
            for i, cb in ipairs(options.callbacks or {}) do callbacks[i] = cb end
            callbacks[#callbacks + 1] = tuner_callback(tuner, trial)
            callbacks[#callbacks + 1] = best_epoch_checkpoint(tuner, trial)
            opts.callbacks = callbacks
            positional[n + 1] = opts
            histories[execution] = tuner.hypermodel:fit(hp, model, table.unpack(positional, 1, n + 1))
          end
          return #histories == 1 and histories[1] or histories
        end
        """

    static func function(_ state: LuaState) throws -> LuaValue {
        let save = state.function(name: "save_checkpoint") { call in
            guard let handle = call.handle(at: 1, as: TunerHandle.self), let trial = call.object(at: 2, as: Trial.self),
                  let model = call.object(at: 3, as: ModelBox.self) else { return 0 }
            try handle.tuner.store.saveCheckpoint(trialId: trial.trialId, step: 0, data: try model.model.weightsData())
            return 0
        }
        guard let tuner = try state.load("return require('tunelua').Tuner", chunkName: "=tunelua").call([]).first else {
            return .nil
        }
        return try state.load(source, chunkName: "=tunelua.run_trial").call([save, tuner]).first ?? .nil
    }

    /// `tuner:load_model(trial)`, `get_best_models(n)` and `save_model(trial_id, model, step)`.
    static func install(on tuner: ExtendableClass, state: LuaState) throws {
        tuner.method("__load_checkpoint") { call in
            guard let handle = call.handle(at: 1, as: TunerHandle.self), let trial = call.object(at: 2, as: Trial.self),
                  let model = call.object(at: 3, as: ModelBox.self) else { return 0 }
            guard let data = try handle.tuner.store.loadCheckpoint(trialId: trial.trialId, step: 0) else {
                throw LuaCallError("load_model: trial \(trial.trialId) has no saved weights (it did not finish an epoch)")
            }
            try model.model.loadWeights(data: data, what: "trial \(trial.trialId)'s checkpoint")
            return 0
        }
        tuner.method("save_model") { call in
            guard let handle = call.handle(at: 1, as: TunerHandle.self) else { throw LuaCallError("save_model: call it on a tuner") }
            guard let id = call.string(at: 2) else { throw call.typeError(1, expected: "string") }
            guard let model = call.object(at: 3, as: ModelBox.self) else { throw call.typeError(2, expected: "model") }
            let step = call.value(at: 4).integerValue.map(Int.init) ?? 0
            try handle.tuner.store.saveCheckpoint(trialId: id, step: step, data: try model.model.weightsData())
            return 0
        }
        try state.load("""
            local Tuner = ...
            function Tuner:load_model(trial)
              if type(trial) == "string" then trial = self.oracle:get_trial(trial) end
              local model = self.hypermodel:build(trial.hyperparameters)
              self:__load_checkpoint(trial, model)
              return model
            end
            function Tuner:get_best_models(n)
              if self.hypermodel == nil then error("get_best_models: this tuner has no hypermodel", 2) end
              local models = {}
              for i, trial in ipairs(self.oracle:get_best_trials(n or 1)) do models[i] = self:load_model(trial) end
              return models
            end
            """, chunkName: "=tunelua.Tuner").call([.table(tuner.table)])
    }
}
