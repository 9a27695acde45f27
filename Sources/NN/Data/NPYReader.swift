import Foundation

/// Reads NumPy `.npy` files (format versions 1, 2 and 3) into float32 tensors (`data.npy` in Lua).
///
/// Supported: little-endian (or single-byte) float32, float64, int8/16/32/64, uint8/16/32/64 and
/// bool, in C order. Fortran order, big-endian data and other dtypes are errors naming them.
public enum NPYReader {
    /// - Throws: `DataError` naming the file and byte offset for a bad header, an unsupported
    ///   dtype or order, or data shorter than the header's shape.
    public static func read(path: String) throws(DataError) -> Tensor {
        let url = URL(fileURLWithPath: path)
        return try decode(FileBytes.read(path, function: "npy"), file: url.lastPathComponent)
    }

    static func decode(_ bytes: [UInt8], file: String) throws(DataError) -> Tensor {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 8 else { throw DataError("\(file): byte \(bytes.count)", "truncated before the .npy version bytes") }
        guard Array(bytes[0..<6]) == magic else { throw DataError("\(file): byte 0", "not a .npy file (bad magic string)") }
        let major = bytes[6]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default: throw DataError("\(file): byte 6", "unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= 8 + lengthSize else {
            throw DataError("\(file): byte \(bytes.count)", "truncated in the header length")
        }
        var headerLength = 0
        for k in (0..<lengthSize).reversed() { headerLength = headerLength << 8 | Int(bytes[8 + k]) }
        let headerStart = 8 + lengthSize
        guard bytes.count >= headerStart + headerLength else {
            throw DataError("\(file): byte \(bytes.count)", "truncated in the header: it needs \(headerLength) bytes from byte \(headerStart)")
        }
        guard headerLength <= 1 << 16 else {
            throw DataError("\(file): byte 8", "the .npy header claims \(headerLength) bytes (NumPy writes a few hundred)")
        }
        let header = String(decoding: bytes[headerStart ..< headerStart + headerLength], as: UTF8.self)
        let dataStart = headerStart + headerLength
        let description = try field("descr", in: header, file: file)
        let fortran = try field("fortran_order", in: header, file: file)
        let shapeText = try field("shape", in: header, file: file)

        let dtype = description.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        guard fortran == "False" else {
            throw DataError("\(file): byte \(headerStart)", "Fortran-order arrays are not supported (fortran_order: \(fortran)); save with np.ascontiguousarray")
        }
        guard let kind = Kind(dtype: dtype) else {
            throw DataError("\(file): byte \(headerStart)", "unsupported dtype '\(dtype)' (supported: little-endian float32/float64, int8-64, uint8-64, bool)")
        }
        let shape = try parseShape(shapeText, file: file, offset: headerStart)
        guard let count = ShapeArithmetic.count(shape), let needed = ShapeArithmetic.count([count, kind.size]) else {
            throw DataError("\(file): byte \(headerStart)", "shape \(shape) is too large")
        }
        guard bytes.count - dataStart >= needed else {
            throw DataError("\(file): byte \(bytes.count)",
                            "truncated: shape \(shape) of \(dtype) needs \(needed) data bytes from byte \(dataStart), found \(bytes.count - dataStart)")
        }
        if let refusal = MemoryBudget.refusal([count], for: "the tensor of \(file) (shape \(shape))") {
            throw DataError("\(file): byte \(headerStart)", refusal)
        }
        var scalars = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            let b = raw.baseAddress! + dataStart
            func little(_ i: Int, _ size: Int) -> UInt64 {
                var v: UInt64 = 0
                for k in (0..<size).reversed() { v = v << 8 | UInt64(b[i * size + k]) }
                return v
            }
            switch kind {
            case .float32: for i in 0..<count { scalars[i] = Float(bitPattern: UInt32(little(i, 4))) }
            case .float64: for i in 0..<count { scalars[i] = Float(Double(bitPattern: little(i, 8))) }
            case .int8: for i in 0..<count { scalars[i] = Float(Int8(bitPattern: b[i])) }
            case .int16: for i in 0..<count { scalars[i] = Float(Int16(bitPattern: UInt16(little(i, 2)))) }
            case .int32: for i in 0..<count { scalars[i] = Float(Int32(bitPattern: UInt32(little(i, 4)))) }
            case .int64: for i in 0..<count { scalars[i] = Float(Int64(bitPattern: little(i, 8))) }
            case .uint8, .bool: for i in 0..<count { scalars[i] = Float(b[i]) }
            case .uint16: for i in 0..<count { scalars[i] = Float(little(i, 2)) }
            case .uint32: for i in 0..<count { scalars[i] = Float(little(i, 4)) }
            case .uint64: for i in 0..<count { scalars[i] = Float(little(i, 8)) }
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    enum Kind {
        case float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool

        init?(dtype: String) {
            guard let order = dtype.first, "<|=".contains(order) else { return nil }
            switch dtype.dropFirst() {
            case "f4": self = .float32
            case "f8": self = .float64
            case "i1": self = .int8
            case "i2": self = .int16
            case "i4": self = .int32
            case "i8": self = .int64
            case "u1": self = .uint8
            case "u2": self = .uint16
            case "u4": self = .uint32
            case "u8": self = .uint64
            case "b1": self = .bool
            default: return nil
            }
        }

        var size: Int {
            switch self {
            case .int8, .uint8, .bool: 1
            case .int16, .uint16: 2
            case .float32, .int32, .uint32: 4
            case .float64, .int64, .uint64: 8
            }
        }
    }

    /// The text of `'key': value` in the header's Python dict literal (a tuple kept whole).
    private static func field(_ key: String, in header: String, file: String) throws(DataError) -> String {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\""),
              let colon = header[keyRange.upperBound...].firstIndex(of: ":") else {
            throw DataError(file, "the .npy header has no '\(key)' entry: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var rest = header[header.index(after: colon)...].drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { throw DataError(file, "unterminated shape tuple in the .npy header") }
            return String(rest[...close])
        }
        rest = rest.prefix { $0 != "," && $0 != "}" }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    private static func parseShape(_ text: String, file: String, offset: Int) throws(DataError) -> [Int] {
        let inner = text.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if item.isEmpty { continue }
            guard let dimension = Int(item), dimension >= 0 else {
                throw DataError("\(file): byte \(offset)", "bad shape \(text) in the .npy header")
            }
            shape.append(dimension)
        }
        return shape
    }
}
