/// A short, NumPy-like rendering for printing (`print(t)` in Lua): a `Tensor(shape=[…])` line,
/// then nested brackets with only the first and last `edgeItems` entries of long dimensions and
/// "..." between, so even a 60000×28×28 tensor prints in a few lines.
extension Tensor {
    public func preview(edgeItems: Int = 3) -> String {
        let body = rank == 0 ? format(scalars.first ?? 0) : render(dimension: 0, offset: 0, edgeItems: edgeItems)
        return "Tensor(shape=\(shape))\n\(body)"
    }

    private func render(dimension: Int, offset: Int, edgeItems: Int) -> String {
        let size = shape[dimension]
        let stride = shape[(dimension + 1)...].reduce(1, *)
        var indices = Array(0..<size)
        var elided = false
        if size > 2 * edgeItems {
            indices = Array(0..<edgeItems) + Array((size - edgeItems)..<size)
            elided = true
        }
        var parts: [String] = []
        for (position, i) in indices.enumerated() {
            if elided && position == edgeItems { parts.append("...") }
            if dimension == rank - 1 {
                parts.append(format(scalars[offset + i]))
            } else {
                parts.append(render(dimension: dimension + 1, offset: offset + i * stride, edgeItems: edgeItems))
            }
        }
        let separator = dimension == rank - 1 ? ", " : ",\n" + String(repeating: " ", count: dimension + 1)
        return "[" + parts.joined(separator: separator) + "]"
    }

    private func format(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), abs(x) < 1e7 { return String(Int(x)) + "." }
        let text = String(format4: x)
        return text
    }
}

private extension String {
    /// Four significant decimals without Foundation, trimming trailing zeros ("0.1235", "1e-05").
    init(format4 x: Float) {
        let magnitude = abs(x)
        if magnitude >= 1e-4 && magnitude < 1e7 {
            let scaled = (Double(x) * 10_000).rounded() / 10_000
            var text = "\(scaled)"
            if text.contains("e") { text = "\(x)" }
            self = text
        } else {
            self = "\(x)"
        }
    }
}
