import CZlib
import Foundation

/// The weights file of `saveWeights`/`loadWeights` (extension free; any path), version 1.
/// All integers little-endian:
///
/// ```
/// offset 0   8 bytes  magic "TLWEIGHT"
///            u32      format version (1)
///            u32      number of tensors N
/// N times:   u32      name length L, then L bytes of UTF-8 name ("dense/kernel")
///            u32      rank R, then R × u64 dimensions
///            float32 × (product of dimensions), C order
/// end        u32      CRC-32 (zlib's) of every byte before it
/// ```
/// Loading checks the magic, version, checksum and that every tensor's shape matches the model's
/// (by position, as Keras does), and names the offset of any truncation.
enum WeightsFile {
    static let magic = Array("TLWEIGHT".utf8)
    static let version: UInt32 = 1

    static func encode(_ named: [(String, Tensor)]) -> [UInt8] {
        var out = magic
        out.appendLE(version)
        out.appendLE(UInt32(named.count))
        for (name, t) in named {
            let bytes = Array(name.utf8)
            out.appendLE(UInt32(bytes.count))
            out += bytes
            out.appendLE(UInt32(t.rank))
            for d in t.shape { out.appendLE(UInt64(d)) }
            out.reserveCapacity(out.count + t.count * 4)
            for v in t.scalars { out.appendLE(v.bitPattern) }
        }
        out.appendLE(checksum(out[...]))
        return out
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    /// Decodes after verifying magic/version/checksum; `what` names the file in errors.
    static func decode(_ bytes: ArraySlice<UInt8>, what: String) throws -> [(String, Tensor)] {
        var r = ByteReader(bytes: bytes, what: what)
        guard bytes.count >= magic.count + 12, Array(bytes.prefix(magic.count)) == magic else {
            throw NNError.file("\(what): not a tunelua weights file (bad magic at offset 0)")
        }
        let body = bytes.dropLast(4)
        var tail = ByteReader(bytes: bytes.suffix(4), what: what)
        guard try tail.u32() == checksum(body) else {
            throw NNError.file("\(what): checksum mismatch (file corrupted or truncated, \(bytes.count) bytes)")
        }
        r.offset = magic.count
        let v = try r.u32()
        guard v == version else { throw NNError.file("\(what): weights format version \(v) is not supported (expected \(version))") }
        let n = try r.u32()
        var result: [(String, Tensor)] = []
        for _ in 0..<n {
            let len = Int(try r.u32())
            let name = String(decoding: try r.bytes(len), as: UTF8.self)
            let rank = Int(try r.u32())
            guard rank <= 8 else { throw NNError.file("\(what): implausible rank \(rank) at offset \(r.offset - 4)") }
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try r.u64())) }
            let count = shape.reduce(1, *)
            let raw = try r.bytes(count * 4)
            var scalars = [Float](repeating: 0, count: count)
            raw.withUnsafeBytes { src in
                for i in 0..<count { scalars[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
            }
            result.append((name, Tensor(shape: shape, scalars: scalars)))
        }
        return result
    }
}

/// Little-endian reads with truncation errors that name the offset.
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    let what: String
    var offset = 0

    mutating func bytes(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, offset + n <= bytes.count else {
            throw NNError.file("\(what): truncated at offset \(offset) (needed \(n) more bytes, file has \(bytes.count))")
        }
        let start = bytes.startIndex + offset
        offset += n
        return bytes[start ..< start + n]
    }
    mutating func u32() throws -> UInt32 {
        try bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
    mutating func u64() throws -> UInt64 {
        try bytes(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    // A device or a pipe (`/dev/zero`) would be read forever: regular files only, within the budget.
    if let kind = nonRegularKind(path) { throw NNError(.io, "cannot read '\(path)': it is \(kind), not a regular file") }
    var st = stat()
    if stat(path, &st) == 0, let refusal = MemoryBudget.refusal(bytes: Int(st.st_size), for: "reading '\(path)'") {
        throw NNError(.io, refusal)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw NNError(.io, "cannot read '\(path)' (missing or unreadable)")
    }
    return [UInt8](data)
}

/// An atomic write renames a new file over the target: over `/dev/null` (as root) that would
/// replace the device node for the whole machine. Existing targets must be regular files.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    if let kind = nonRegularKind(path) { throw NNError(.io, "cannot write '\(path)': it is \(kind), not a regular file") }
    do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) }
    catch { throw NNError(.io, "cannot write '\(path)': \(error.localizedDescription)") }
}

/// What `path` is when it exists and is not a regular file ("a directory", "a device", …).
func nonRegularKind(_ path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    switch st.st_mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFDIR: return "a directory"
    case S_IFCHR, S_IFBLK: return "a device"
    case S_IFIFO: return "a pipe"
    case S_IFSOCK: return "a socket"
    default: return "not a plain file"
    }
}
