/// `fit`, `evaluate` and `predict`.
extension Sequential {
    private func requireCompiled(_ function: String) throws -> (any Optimizer, any Loss) {
        guard let optimizer, let loss else {
            throw NNError(.notCompiled, "\(function): model '\(name)' must be compiled first (compile(optimizer:loss:metrics:))")
        }
        return (optimizer, loss)
    }

    /// Builds from `x` if needed and checks that `x` fits the model's input.
    private func prepare(_ x: Tensor, _ function: String) throws {
        guard x.rank >= 2 else {
            throw NNError.shape("\(function): x must have a batch axis and at least one feature axis, got shape \(x.shape)")
        }
        let sample = Array(x.shape.dropFirst())
        if !isBuilt { try build(inputShape: inputShape ?? sample) }
        guard sample == inputShape else {
            throw NNError.shape("\(function): model '\(name)' expects input \(formatShape(inputShape!)), got x of shape \(formatShape(sample, batch: x.rows))")
        }
    }

    private func checkPair(_ x: Tensor, _ y: Tensor, _ function: String, _ label: String = "x") throws {
        guard x.rows > 0 else { throw NNError.argument("\(function): \(label) is empty (0 samples)") }
        guard y.rows == x.rows else {
            throw NNError.shape("\(function): \(label) has \(x.rows) samples but its targets have \(y.rows)")
        }
    }

    private func checkCancelled() throws {
        if cancellation?.isCancelled == true { throw NNError.cancelled }
    }

    /// Copies rows `indices[range]` of `source` into `batch` (reused buffer).
    func gather(_ source: Tensor, _ indices: [Int], _ range: Range<Int>, into batch: inout Tensor) {
        var shape = source.shape
        shape[0] = range.count
        batch.resize(to: shape)
        let size = source.rowSize
        source.scalars.withUnsafeBufferPointer { src in
            batch.scalars.withUnsafeMutableBufferPointer { dst in
                var offset = 0
                for i in range {
                    (dst.baseAddress! + offset).update(from: src.baseAddress! + indices[i] * size, count: size)
                    offset += size
                }
            }
        }
    }

    /// Runs the layers on `activations[0]`; returns the output slot.
    func forwardPass(training: Bool) -> TensorSlot {
        withSubnormalsFlushed {
            for (i, layer) in layers.enumerated() {
                layer.use(threadPool)
                layer.forward(activations[i].tensor, into: &activations[i + 1].tensor, training: training)
            }
        }
        return activations[layers.count]
    }

    private func regularization(addGradients: Bool) -> Float {
        layers.reduce(0) { $0 + $1.regularizationLoss(addGradients: addGradients) }
    }

    /// One optimizer step on the batch already in `activations[0]` / `targetBatch`; returns the loss.
    func trainStep(optimizer: any Optimizer, loss: any Loss, trainable: [Parameter], firstTrainable: Int) -> Float {
        withSubnormalsFlushed {
            let out = forwardPass(training: true)
            var value = loss.loss(prediction: out.tensor, target: targetBatch, gradient: &gradients[layers.count].tensor)
            for i in stride(from: layers.count - 1, through: 0, by: -1) {
                layers[i].backward(input: activations[i].tensor, output: activations[i + 1].tensor,
                                   outputGradient: gradients[i + 1].tensor, inputGradient: &gradients[i].tensor,
                                   computeInputGradient: i > firstTrainable)
            }
            value += regularization(addGradients: true)
            optimizer.use(threadPool)
            optimizer.apply(to: trainable)
            for m in metrics { m.update(prediction: out.tensor, target: targetBatch) }
            return value
        }
    }

    /// Keras's `fit`. Validation data come from `validationData`, or else from the last
    /// `validationSplit` fraction of `x`/`y` taken before shuffling (as Keras does).
    /// `verbose`: 0 silent, 1 progress bar (Keras's "auto"), 2 one line per epoch.
    @discardableResult
    public func fit(x: Tensor, y: Tensor, batchSize: Int = 32, epochs: Int = 1, initialEpoch: Int = 0,
                    verbose: Int = 1, callbacks: [any Callback] = [], validationSplit: Double = 0,
                    validationData: (x: Tensor, y: Tensor)? = nil, shuffle: Bool = true) throws -> History {
        let (optimizer, loss) = try requireCompiled("fit")
        guard batchSize > 0 else { throw NNError.argument("fit: batch_size must be a positive integer, got \(batchSize)") }
        guard epochs >= 0, initialEpoch >= 0 else { throw NNError.argument("fit: epochs and initial_epoch must be >= 0") }
        guard (0..<1).contains(validationSplit) else {
            throw NNError.argument("fit: validation_split must be in [0, 1), got \(validationSplit)")
        }
        guard (0...2).contains(verbose) else { throw NNError.argument("fit: verbose must be 0, 1, 2 or \"auto\", got \(verbose)") }
        try checkPair(x, y, "fit")
        try prepare(x, "fit")

        // A validation split is a range of rows of x and y, read in place (no copy of the data).
        var n = x.rows
        var validation = validationData.map { (x: $0.x, y: $0.y, rows: 0..<$0.x.rows) }
        if let v = validationData {
            try checkPair(v.x, v.y, "fit", "validation_data x")
            try prepare(v.x, "fit (validation_data)")
            try loss.validate(predictionShape: [v.y.rows] + outputShape!, target: v.y)
        } else if validationSplit > 0 {
            let splitAt = Int((Double(x.rows) * (1 - validationSplit)).rounded(.down))
            guard splitAt > 0, splitAt < x.rows else {
                throw NNError.argument("fit: validation_split \(validationSplit) leaves an empty training or validation set for \(x.rows) samples")
            }
            n = splitAt
            validation = (x, y, splitAt..<x.rows)
        }
        try loss.validate(predictionShape: [y.rows] + outputShape!, target: y)
        try resolveMetrics(targetShape: y.shape)

        let history = History()
        let steps = (n + batchSize - 1) / batchSize
        history.params = ["verbose": verbose, "epochs": epochs, "steps": steps]
        let trainable = trainableParameters
        let firstTrainable = layers.firstIndex { $0.parameters.contains(where: \.trainable) } ?? layers.count
        var order = Array(0..<n)
        stopTraining = false

        for cb in callbacks { try cb.onTrainBegin(model: self, logs: [:]) }
        var epoch = initialEpoch
        while epoch < epochs {
            for m in metrics { m.reset() }
            for cb in callbacks { try cb.onEpochBegin(epoch, model: self, logs: [:]) }
            // Keras 3 heads every epoch for verbose 1 and 2, when there is more than one.
            if verbose >= 1 && epochs > 1 { emit("Epoch \(epoch + 1)/\(epochs)\n") }
            var bar = ProgressBar(target: steps, verbose: verbose, write: output)
            if shuffle {
                for i in stride(from: n - 1, to: 0, by: -1) {
                    order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
                }
            }
            var lossSum = 0.0, seen = 0
            var logs: [String: Double] = [:]
            for step in 0..<steps {
                try checkCancelled()
                for cb in callbacks { try cb.onTrainBatchBegin(step, model: self, logs: [:]) }
                let range = step * batchSize ..< min(n, (step + 1) * batchSize)
                gather(x, order, range, into: &activations[0].tensor)
                gather(y, order, range, into: &targetBatch)
                let batchLoss = trainStep(optimizer: optimizer, loss: loss, trainable: trainable, firstTrainable: firstTrainable)
                lossSum += Double(batchLoss) * Double(range.count)
                seen += range.count
                logs = ["loss": lossSum / Double(seen)]
                for m in metrics { logs[m.name] = m.result() }
                for cb in callbacks { try cb.onTrainBatchEnd(step, model: self, logs: logs) }
                if verbose == 1 && step + 1 < steps { bar.update(step + 1, logs: logs) }
                if stopTraining { break }
            }
            if let v = validation {
                let valLogs = try evaluateLogs(x: v.x, y: v.y, rows: v.rows, batchSize: batchSize, callbacks: callbacks)
                for (k, value) in valLogs { logs["val_" + k] = value }
            }
            for cb in callbacks { try cb.onEpochEnd(epoch, model: self, logs: &logs) }
            history.record(epoch: epoch, logs: logs)
            bar.update(steps, logs: logs, finalize: true)
            epoch += 1
            if stopTraining { break }
        }
        for cb in callbacks { try cb.onTrainEnd(model: self, logs: history.history.compactMapValues(\.last)) }
        return history
    }

    /// The loss and metrics on `rows` of `x`, `y` (keys as in Keras's `return_dict=True`).
    func evaluateLogs(x: Tensor, y: Tensor, rows: Range<Int>, batchSize: Int, callbacks: [any Callback],
                      bar: Int = 0) throws -> [String: Double] {
        let (_, loss) = try requireCompiled("evaluate")
        for m in metrics { m.reset() }
        for cb in callbacks { try cb.onTestBegin(model: self, logs: [:]) }
        let n = rows.count
        let steps = (n + batchSize - 1) / batchSize
        let identity = Array(rows)
        var progress = ProgressBar(target: steps, verbose: bar, write: output)
        let reg = Double(regularization(addGradients: false))
        var lossSum = 0.0
        var logs: [String: Double] = [:]
        for step in 0..<steps {
            try checkCancelled()
            for cb in callbacks { try cb.onTestBatchBegin(step, model: self, logs: [:]) }
            let range = step * batchSize ..< min(n, (step + 1) * batchSize)
            gather(x, identity, range, into: &activations[0].tensor)
            gather(y, identity, range, into: &targetBatch)
            let out = forwardPass(training: false)
            lossSum += (Double(loss.loss(prediction: out.tensor, target: targetBatch)) + reg) * Double(range.count)
            for m in metrics { m.update(prediction: out.tensor, target: targetBatch) }
            logs = ["loss": lossSum / Double(range.upperBound)]
            for m in metrics { logs[m.name] = m.result() }
            for cb in callbacks { try cb.onTestBatchEnd(step, model: self, logs: logs) }
            if bar == 1 && step + 1 < steps { progress.update(step + 1, logs: logs) }
        }
        progress.update(steps, logs: logs, finalize: true)
        for cb in callbacks { try cb.onTestEnd(model: self, logs: logs) }
        return logs
    }

    /// Keras's `evaluate(..., return_dict=True)`: `loss` and each metric by name.
    /// `metricsNames` gives Keras's order for the multiple-return form.
    public func evaluate(x: Tensor, y: Tensor, batchSize: Int = 32, verbose: Int = 1,
                         callbacks: [any Callback] = []) throws -> [String: Double] {
        _ = try requireCompiled("evaluate")
        guard batchSize > 0 else { throw NNError.argument("evaluate: batch_size must be a positive integer, got \(batchSize)") }
        try checkPair(x, y, "evaluate")
        try prepare(x, "evaluate")
        try loss!.validate(predictionShape: [y.rows] + outputShape!, target: y)
        try resolveMetrics(targetShape: y.shape)
        return try evaluateLogs(x: x, y: y, rows: 0..<x.rows, batchSize: batchSize, callbacks: callbacks, bar: verbose)
    }

    /// Keras's `model.metrics_names`: "loss" then the compiled metrics.
    public var metricsNames: [String] { ["loss"] + metrics.map(\.name) }

    /// Keras's `predict`: the model's outputs for every row of `x`, in inference mode.
    public func predict(_ x: Tensor, batchSize: Int = 32, verbose: Int = 0, callbacks: [any Callback] = []) throws -> Tensor {
        guard batchSize > 0 else { throw NNError.argument("predict: batch_size must be a positive integer, got \(batchSize)") }
        guard x.rows > 0 else { throw NNError.argument("predict: x is empty (0 samples)") }
        try prepare(x, "predict")
        for cb in callbacks { try cb.onPredictBegin(model: self, logs: [:]) }
        let n = x.rows
        var result = Tensor(shape: [n] + outputShape!)
        let identity = Array(0..<n)
        let rowSize = result.rowSize
        let steps = (n + batchSize - 1) / batchSize
        var progress = ProgressBar(target: steps, verbose: verbose, write: output)
        for step in 0..<steps {
            try checkCancelled()
            let range = step * batchSize ..< min(n, (step + 1) * batchSize)
            gather(x, identity, range, into: &activations[0].tensor)
            let out = forwardPass(training: false)
            out.tensor.scalars.withUnsafeBufferPointer { src in
                result.scalars.withUnsafeMutableBufferPointer { dst in
                    (dst.baseAddress! + range.lowerBound * rowSize).update(from: src.baseAddress!, count: src.count)
                }
            }
            if verbose == 1 && step + 1 < steps { progress.update(step + 1, logs: [:]) }
        }
        progress.update(steps, logs: [:], finalize: true)
        for cb in callbacks { try cb.onPredictEnd(model: self, logs: [:]) }
        return result
    }
}
