import Foundation

/// Keras 3's `model.summary()` table.
extension Sequential {
    /// The summary text, as Keras prints it (box-drawing table, then the parameter totals).
    public func summary() -> String {
        let widths = [33, 24, 15]
        func line(_ l: String, _ m: String, _ r: String) -> String {
            l + widths.map { String(repeating: m == "━" ? "━" : "─", count: $0) }.joined(separator: m == "━" ? (l == "┏" ? "┳" : "╇") : (l == "├" ? "┼" : "┴")) + r + "\n"
        }
        func cell(_ text: String, _ width: Int, right: Bool = false) -> String {
            let inner = width - 2
            let t = text.count > inner ? String(text.prefix(inner - 1)) + "…" : text
            let pad = String(repeating: " ", count: inner - t.count)
            return " " + (right ? pad + t : t + pad) + " "
        }
        func row(_ a: String, _ b: String, _ c: String, heavy: Bool) -> String {
            let bar = heavy ? "┃" : "│"
            return bar + cell(a, widths[0]) + bar + cell(b, widths[1]) + bar + cell(c, widths[2], right: true) + bar + "\n"
        }
        var text = "Model: \"\(name)\"\n"
        text += line("┏", "━", "┓")
        text += row("Layer (type)", "Output Shape", "Param #", heavy: true)
        text += line("┡", "━", "┩").replacingOccurrences(of: "┳", with: "╇")
        for (i, layer) in layers.enumerated() {
            let shape = layer.isBuilt && isBuilt ? formatShape(layer.outputShape) : "?"
            let count = layer.isBuilt && isBuilt
                ? Self.grouped(layer.parameters.reduce(0) { $0 + $1.value.count }) : "0 (unbuilt)"
            text += row("\(layer.name) (\(layer.className))", shape, count, heavy: false)
            if i + 1 < layers.count { text += line("├", "─", "┤") }
        }
        text += line("└", "─", "┘")
        let all = parameters
        let trainable = all.filter(\.trainable).reduce(0) { $0 + $1.value.count }
        let total = all.reduce(0) { $0 + $1.value.count }
        text += " Total params: \(Self.grouped(total)) (\(Self.memory(total * 4)))\n"
        text += " Trainable params: \(Self.grouped(trainable)) (\(Self.memory(trainable * 4)))\n"
        text += " Non-trainable params: \(Self.grouped(total - trainable)) (\(Self.memory((total - trainable) * 4)))\n"
        return text
    }

    /// 101770 → "101,770".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }

    /// Keras's readable memory sizes: "397.54 KB".
    static func memory(_ bytes: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), i = 0
        while value >= 1024 && i < units.count - 1 { value /= 1024; i += 1 }
        return String(format: "%.2f %@", value, units[i])
    }
}
