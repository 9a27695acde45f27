import Foundation

/// Keras 3's `Progbar` as `fit` uses it: at verbose 1 a bar redrawn in place
/// (`1500/1500 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.8700 - loss: 0.3600`),
/// at verbose 2 one line when the epoch ends. Text goes to the model's output sink.
struct ProgressBar {
    let target: Int
    let verbose: Int
    let write: (String) -> Void
    private let start = Date()
    private var lastUpdate = Date.distantPast
    private var afterFirstStep: Date?
    private var previousWidth = 0

    init(target: Int, verbose: Int, write: @escaping (String) -> Void) {
        self.target = target
        self.verbose = verbose
        self.write = write
    }

    /// Keras orders the logs: training keys first, then `val_` keys, each alphabetically.
    static func ordered(_ logs: [String: Double]) -> [(String, Double)] {
        logs.sorted { a, b in
            let (va, vb) = (a.key.hasPrefix("val_"), b.key.hasPrefix("val_"))
            return va == vb ? a.key < b.key : !va
        }.map { ($0.key, $0.value) }
    }

    static func format(_ v: Double) -> String {
        abs(v) > 1e-3 || v.isNaN || v.isInfinite ? String(format: "%.4f", v) : String(format: "%.4e", v)
    }

    static func formatTime(_ perUnit: Double) -> String {
        if perUnit >= 1 || perUnit == 0 { return String(format: " %.0fs/step", perUnit) }
        if perUnit >= 1e-3 { return String(format: " %.0fms/step", perUnit * 1000) }
        return String(format: " %.0fus/step", perUnit * 1_000_000)
    }

    private mutating func stepDuration(_ current: Int, _ now: Date) -> Double {
        guard current > 0 else { return 0 }
        let perUnit: Double
        if let first = afterFirstStep, current > 1 {
            perUnit = now.timeIntervalSince(first) / Double(current - 1)
        } else {
            perUnit = now.timeIntervalSince(start) / Double(current)
        }
        if current == 1 { afterFirstStep = now }
        return perUnit
    }

    mutating func update(_ current: Int, logs: [String: Double], finalize: Bool = false) {
        let now = Date()
        let perUnit = stepDuration(current, now)
        let digits = String(target).count
        let count = String(repeating: " ", count: max(0, digits - String(current).count)) + "\(current)/\(target)"
        let values = Self.ordered(logs).map { " - \($0.0): \(Self.format($0.1))" }.joined()
        if verbose == 1 {
            if !finalize && now.timeIntervalSince(lastUpdate) < 0.05 { return }
            let filled = target > 0 ? Int(20 * Double(current) / Double(target)) : 0
            let bar = count + " " + String(repeating: "━", count: filled) + String(repeating: "━", count: 20 - filled)
            var info: String
            if !finalize && target > 0 {
                let eta = Int(perUnit * Double(target - current))
                if eta > 3600 { info = String(format: " %d:%02d:%02d", eta / 3600, (eta % 3600) / 60, eta % 60) }
                else if eta > 60 { info = String(format: " %d:%02d", eta / 60, eta % 60) }
                else { info = " \(eta)s" }
            } else {
                info = String(format: " %.0fs", now.timeIntervalSince(start))
            }
            info += Self.formatTime(perUnit) + values
            let width = bar.count + info.count
            var message = "\r" + bar + info
            if previousWidth > width { message += String(repeating: " ", count: previousWidth - width) }
            if finalize { message += "\n" }
            write(message)
            previousWidth = width
            lastUpdate = now
        } else if verbose == 2 && finalize {
            write(count + String(format: " - %.0fs -", now.timeIntervalSince(start)) + Self.formatTime(perUnit) + values + "\n")
        }
    }
}
