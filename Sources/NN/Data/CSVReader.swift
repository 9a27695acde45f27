import Foundation

/// Reads numeric CSV files into features and labels (`data.csv` in Lua).
///
/// Every field must be a number. With a header, the label column is found by name; without one,
/// the last column is the label. Blank lines are skipped. Errors name the file, the line and the
/// column (1-based, as editors count).
public enum CSVReader {
    /// - Returns: `x` of shape `[N, F]` (every column but the label) and `y` of shape `[N]`.
    /// - Throws: `DataError` for a missing file, an unknown label column, a malformed field or
    ///   line, or a file without data rows.
    public static func read(path: String, label: String = "label", header: Bool = true) throws(DataError) -> (x: Tensor, y: Tensor) {
        let bytes = try FileBytes.read(path, function: "csv")
        let file = (path as NSString).lastPathComponent
        var lineNumber = 0
        var columns = 0
        var labelColumn = -1
        var features: [Float] = []
        var labels: [Float] = []
        var headerSeen = !header
        var fields: [Range<Int>] = []

        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { start = end + 1 }
            if isBlank(bytes, start, lineEnd) { continue }
            split(bytes, start, lineEnd, into: &fields)
            if !headerSeen {
                headerSeen = true
                let names = fields.map { unquote(String(decoding: bytes[$0], as: UTF8.self)) }
                columns = names.count
                guard let index = names.firstIndex(of: label) else {
                    // A short excerpt only: a header line may be a gigabyte long.
                    let shown = names.prefix(12).map { excerpt($0) }.joined(separator: ", ") + (names.count > 12 ? ", … (\(names.count) columns)" : "")
                    throw DataError("\(file):\(lineNumber)",
                                    "no label column '\(excerpt(label))' in the header (columns: \(shown))\(names.count <= 1000 ? NameSuggestion.hint(for: label, in: names) : "")")
                }
                guard columns >= 1 else { throw DataError("\(file):\(lineNumber)", "empty header") }
                labelColumn = index
                continue
            }
            if columns == 0 {
                columns = fields.count
                labelColumn = columns - 1
            }
            guard fields.count == columns else {
                throw DataError("\(file):\(lineNumber)", "expected \(columns) fields, found \(fields.count)")
            }
            for (column, range) in fields.enumerated() {
                guard let value = parseFloat(bytes, range) else {
                    let text = String(decoding: bytes[range.lowerBound ..< min(range.upperBound, range.lowerBound + 200)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    throw DataError("\(file):\(lineNumber):\(column + 1)",
                                    text.isEmpty ? "empty field (expected a number)" : "'\(excerpt(text))' is not a number")
                }
                if column == labelColumn { labels.append(value) } else { features.append(value) }
            }
        }
        guard !labels.isEmpty else { throw DataError(file, "no data rows (empty data set)") }
        return (Tensor(shape: [labels.count, columns - 1], scalars: features), Tensor(shape: [labels.count], scalars: labels))
    }

    /// At most 40 characters of `text`, printable, for error messages.
    static func excerpt(_ text: String) -> String {
        let cut = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return String(cut.unicodeScalars.map { $0.value < 0x20 ? "?" : Character($0) })
    }

    private static func isBlank(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        for i in start..<end where bytes[i] != UInt8(ascii: " ") && bytes[i] != UInt8(ascii: "\t") { return false }
        return true
    }

    private static func split(_ bytes: [UInt8], _ start: Int, _ end: Int, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = start
        var inQuotes = false
        for i in start..<end {
            if bytes[i] == UInt8(ascii: "\"") { inQuotes.toggle() }
            else if bytes[i] == UInt8(ascii: ","), !inQuotes {
                fields.append(fieldStart..<i)
                fieldStart = i + 1
            }
        }
        fields.append(fieldStart..<end)
    }

    private static func unquote(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }

    /// Parses a decimal number (optional quotes and surrounding spaces) with `strtod`, which is
    /// exact and fast, refusing anything left over.
    private static func parseFloat(_ bytes: [UInt8], _ range: Range<Int>) -> Float? {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, bytes[lower] == UInt8(ascii: " ") || bytes[lower] == UInt8(ascii: "\t") { lower += 1 }
        while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") || bytes[upper - 1] == UInt8(ascii: "\t") { upper -= 1 }
        if upper - lower >= 2, bytes[lower] == UInt8(ascii: "\""), bytes[upper - 1] == UInt8(ascii: "\"") {
            lower += 1; upper -= 1
        }
        let length = upper - lower
        guard length > 0, length < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Float? in
            for i in 0..<length { buffer[i] = CChar(bitPattern: bytes[lower + i]) }
            buffer[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &endPointer)
            guard let endPointer, endPointer == buffer.baseAddress! + length else { return nil }
            return Float(value)
        }
    }
}
