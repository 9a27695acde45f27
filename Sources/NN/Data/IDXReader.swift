import Foundation

/// Reads IDX files (the MNIST format), gzipped or not (`data.idx` in Lua).
///
/// Layout: two zero bytes, a type byte, the number of dimensions, each dimension as a big-endian
/// UInt32, then the values in big-endian C order. Every IDX type is read into float32.
public enum IDXReader {
    /// The IDX element types: the type byte and the size of one value in bytes.
    enum ElementType: UInt8 {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        var size: Int {
            switch self {
            case .uint8, .int8: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }
    }

    /// - Throws: `DataError` naming the file and the byte offset for a bad magic number, an
    ///   unknown type byte, or a file shorter than its header says.
    public static func read(path: String) throws(DataError) -> Tensor {
        try decode(FileBytes.read(path, function: "idx"), file: (path as NSString).lastPathComponent)
    }

    static func decode(_ bytes: [UInt8], file: String) throws(DataError) -> Tensor {
        guard bytes.count >= 4 else {
            throw DataError("\(file): byte \(bytes.count)", "truncated: the 4-byte IDX magic number needs 4 bytes, the file has \(bytes.count)")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError("\(file): byte 0", "not an IDX file (magic number must start with two zero bytes)")
        }
        guard let type = ElementType(rawValue: bytes[2]) else {
            throw DataError("\(file): byte 2", String(format: "unknown IDX type byte 0x%02X (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)", bytes[2]))
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError("\(file): byte \(bytes.count)", "truncated in the header: \(rank) dimensions need \(headerSize) bytes")
        }
        var shape: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            shape.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        guard let count = ShapeArithmetic.count(shape), let dataSize = ShapeArithmetic.count([count, type.size]) else {
            throw DataError("\(file): byte 4", "shape \(shape) is too large")
        }
        guard bytes.count - headerSize >= dataSize else {
            throw DataError("\(file): byte \(bytes.count)",
                            "truncated: shape \(shape) of \(type) needs \(dataSize) data bytes after the \(headerSize)-byte header, found \(bytes.count - headerSize)")
        }
        if let refusal = MemoryBudget.refusal([count], for: "the tensor of \(file) (shape \(shape))") {
            throw DataError("\(file): byte 4", refusal)
        }
        var scalars = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            let b = raw.baseAddress! + headerSize
            func bigEndian(_ i: Int, _ size: Int) -> UInt64 {
                var v: UInt64 = 0
                for k in 0..<size { v = v << 8 | UInt64(b[i * size + k]) }
                return v
            }
            switch type {
            case .uint8: for i in 0..<count { scalars[i] = Float(b[i]) }
            case .int8: for i in 0..<count { scalars[i] = Float(Int8(bitPattern: b[i])) }
            case .int16: for i in 0..<count { scalars[i] = Float(Int16(bitPattern: UInt16(bigEndian(i, 2)))) }
            case .int32: for i in 0..<count { scalars[i] = Float(Int32(bitPattern: UInt32(bigEndian(i, 4)))) }
            case .float32: for i in 0..<count { scalars[i] = Float(bitPattern: UInt32(bigEndian(i, 4))) }
            case .float64: for i in 0..<count { scalars[i] = Float(Double(bitPattern: bigEndian(i, 8))) }
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
