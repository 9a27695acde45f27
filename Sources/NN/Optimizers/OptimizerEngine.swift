import Foundation

/// The part every Keras optimizer shares: per-parameter slots, gradient clipping, decoupled weight
/// decay and the step counter. Each optimizer class owns one and supplies only its update rule.
///
/// Slots for a parameter live in one flat buffer (`slotNames.count × size`) so an update touches
/// one allocation, made on the parameter's first step and reused after.
final class OptimizerEngine {
    final class Entry {
        /// Held strongly so an `ObjectIdentifier` key can never be reused by another parameter.
        let parameter: Parameter
        var slots: [Float]
        init(parameter: Parameter, slots: [Float]) {
            self.parameter = parameter
            self.slots = slots
        }
    }

    let optimizer: String
    let slotNames: [String]
    /// The initial value of each slot (Adagrad's accumulator starts at 0.1, the rest at 0).
    let slotInitialValues: [Float]
    let clipping: GradientClipping
    let weightDecay: Float?
    var iterations = 0
    /// Where updates of large parameters are split (element ranges; each element's update is the
    /// same whichever thread runs it). Nil: on the calling thread.
    var pool: ThreadPool?
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var scratch: [Float] = []

    init(optimizer: String, slotNames: [String], slotInitialValues: [Float]? = nil,
         clipping: GradientClipping, weightDecay: Float?) throws(OptimizerError) {
        if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) {
            throw OptimizerError(optimizer, "weight_decay must be a finite number >= 0, got \(weightDecay)")
        }
        self.optimizer = optimizer
        self.slotNames = slotNames
        self.slotInitialValues = slotInitialValues ?? slotNames.map { _ in 0 }
        self.clipping = clipping
        self.weightDecay = weightDecay
    }

    private func entry(for parameter: Parameter) -> Entry {
        let key = ObjectIdentifier(parameter)
        let size = parameter.value.count
        if let entry = entries[key], entry.slots.count == size * slotNames.count { return entry }
        var slots = [Float](repeating: 0, count: size * slotNames.count)
        for (k, initial) in slotInitialValues.enumerated() where initial != 0 {
            for i in 0..<size { slots[k * size + i] = initial }
        }
        let entry = Entry(parameter: parameter, slots: slots)
        entries[key] = entry
        return entry
    }

    /// One Keras `apply`: clip, decay the weights, run `update(weights, gradient, slots, stride,
    /// count)` on every trainable parameter, then count the step. `update` may get a range of a
    /// parameter's elements at a time: slot k of element i is at `slots + k·stride + i`.
    func step(_ parameters: [Parameter], learningRate: Float,
              update: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) {
        // Split into ranges of the pool's threads: large parameters only.
        func run(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ s: UnsafeMutablePointer<Float>, _ size: Int) {
            guard let pool, size >= 2 * ThreadPool.elementGrain else { return update(w, g, s, size, size) }
            pool.forEachRange(size, grain: ThreadPool.elementGrain) { r in
                update(w + r.lowerBound, g + r.lowerBound, s + r.lowerBound, size, r.count)
            }
        }
        var globalScale: Float = 1
        if case .globalNorm(let clip) = clipping {
            var sum: Double = 0
            for parameter in parameters where parameter.trainable {
                parameter.gradient.scalars.withUnsafeBufferPointer { g in
                    var partial: Float = 0
                    for x in g { partial += x * x }
                    sum += Double(partial)
                }
            }
            globalScale = GradientClipping.globalScale(norm: sum.squareRoot(), clip: clip)
        }
        for parameter in parameters where parameter.trainable {
            let size = parameter.value.count
            guard parameter.gradient.count == size, size > 0 else { continue }
            let entry = entry(for: parameter)
            if let weightDecay {
                let factor = weightDecay * learningRate
                parameter.value.scalars.withUnsafeMutableBufferPointer { w in
                    for i in 0..<size { w[i] -= w[i] * factor }
                }
            }
            entry.slots.withUnsafeMutableBufferPointer { s in
                parameter.value.scalars.withUnsafeMutableBufferPointer { w in
                    if clipping == .none {
                        parameter.gradient.scalars.withUnsafeBufferPointer { g in
                            run(w.baseAddress!, g.baseAddress!, s.baseAddress!, size)
                        }
                    } else {
                        if scratch.count < size { scratch = [Float](repeating: 0, count: size) }
                        scratch.withUnsafeMutableBufferPointer { c in
                            parameter.gradient.scalars.withUnsafeBufferPointer { g in
                                clip(g, into: c, size: size, globalScale: globalScale)
                            }
                            run(w.baseAddress!, UnsafePointer(c.baseAddress!), s.baseAddress!, size)
                        }
                    }
                }
            }
        }
        iterations += 1
    }

    private func clip(_ g: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>, size: Int, globalScale: Float) {
        switch clipping {
        case .none:
            for i in 0..<size { c[i] = g[i] }
        case .globalNorm:
            for i in 0..<size { c[i] = g[i] * globalScale }
        case .norm(let clip):
            var sum: Float = 0
            for i in 0..<size { sum += g[i] * g[i] }
            let norm = sum > 0 ? sum.squareRoot() : sum
            let scale = clip / max(norm, clip)
            for i in 0..<size { c[i] = g[i] * scale }
        case .value(let limit):
            for i in 0..<size { c[i] = min(max(g[i], -limit), limit) }
        }
    }

    // MARK: - State

    func snapshot(for parameters: [Parameter]) -> OptimizerState {
        var slots: [String: [Float]] = [:]
        for (index, parameter) in parameters.filter(\.trainable).enumerated() {
            guard let entry = entries[ObjectIdentifier(parameter)] else { continue }
            let size = parameter.value.count
            for (k, slot) in slotNames.enumerated() {
                slots["\(index):\(parameter.name):\(slot)"] = Array(entry.slots[k * size ..< (k + 1) * size])
            }
        }
        return OptimizerState(optimizer: optimizer, iterations: iterations, slots: slots)
    }

    func restore(_ state: OptimizerState, for parameters: [Parameter]) throws(OptimizerError) {
        guard state.optimizer == optimizer else {
            throw OptimizerError(optimizer, "cannot restore state saved by \(state.optimizer)")
        }
        guard state.iterations >= 0 else { throw OptimizerError(optimizer, "saved iterations \(state.iterations) is negative") }
        var restored: [ObjectIdentifier: Entry] = [:]
        var used = 0
        for (index, parameter) in parameters.filter(\.trainable).enumerated() {
            let size = parameter.value.count
            let keys = slotNames.map { "\(index):\(parameter.name):\($0)" }
            let present = keys.filter { state.slots[$0] != nil }
            if present.isEmpty { continue }  // never updated before the snapshot
            guard present.count == keys.count else {
                throw OptimizerError(optimizer, "saved state lacks slot '\(keys.first { state.slots[$0] == nil }!)'")
            }
            var flat: [Float] = []
            flat.reserveCapacity(size * keys.count)
            for key in keys {
                let values = state.slots[key]!
                guard values.count == size else {
                    throw OptimizerError(optimizer, "saved slot '\(key)' has \(values.count) values, parameter has \(size)")
                }
                flat += values
            }
            used += keys.count
            restored[ObjectIdentifier(parameter)] = Entry(parameter: parameter, slots: flat)
        }
        guard used == state.slots.count else {
            let unknown = state.slots.keys.sorted().first { key in
                !parameters.filter(\.trainable).enumerated().contains { index, p in key.hasPrefix("\(index):\(p.name):") }
            } ?? "?"
            throw OptimizerError(optimizer, "saved slot '\(unknown)' matches no trainable parameter")
        }
        entries = restored
        iterations = state.iterations
    }
}
