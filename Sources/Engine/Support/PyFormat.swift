#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's number and string formatting, so printed output matches Keras Tuner's byte for byte.
enum PyFormat {
    /// Python's `repr(float)`: shortest round-trip digits, scientific below 1e-4 or from 1e16.
    static func repr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let (negative, digits, exponent) = shortestDigits(d)
        let sign = negative ? "-" : ""
        // `exponent` is the decimal exponent of the first digit (d = 0.d1d2… × 10^(exponent+1)).
        if exponent < -4 || exponent >= 16 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exponent)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        let cut = digits.index(digits.startIndex, offsetBy: exponent + 1)
        return sign + digits[..<cut] + "." + digits[cut...]
    }

    /// The shortest round-trip significant digits of `d` (Swift's algorithm) and the exponent.
    private static func shortestDigits(_ d: Double) -> (Bool, String, Int) {
        var text = abs(d).description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var intPart = text
        var fracPart = ""
        if let dot = text.firstIndex(of: ".") {
            intPart = String(text[..<dot])
            fracPart = String(text[text.index(after: dot)...])
        }
        var all = intPart + fracPart
        var pointExp = intPart.count - 1 + exponent
        // Strip leading zeros (0.001 → "1", exponent -3).
        while all.hasPrefix("0") && all.count > 1 {
            all.removeFirst()
            pointExp -= 1
        }
        while all.hasSuffix("0") && all.count > 1 { all.removeLast() }
        return (d < 0, all, pointExp)
    }

    /// Python's `f"{x:.{p}g}"` for a float (C's `%.*g`, which Python follows for finite values).
    static func general(_ d: Double, precision: Int = 5) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([Int32(precision), d]) { vsnprintf(&buffer, 64, "%.*g", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Python's `repr(str)`: single quotes unless the text contains one and no double quote.
    static func quote(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let q: Character = useDouble ? "\"" : "'"
        var out = String(q)
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case q: out += "\\" + String(q)
            default: out.append(c)
            }
        }
        out.append(q)
        return out
    }

    /// Python's `str()` of an optional float: `None` when absent.
    static func optional(_ d: Double?) -> String { d.map(repr) ?? "None" }
}
