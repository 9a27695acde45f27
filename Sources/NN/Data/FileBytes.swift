import Foundation
import CZlib

/// Reads a whole file, transparently inflating gzip (zlib's `gzread` passes plain files through).
///
/// Bounded: what is read (after inflating) must fit the memory budget, so `/dev/zero`, a pipe
/// that never ends or a gzip bomb is an error once it passes the limit, not an exhausted machine.
enum FileBytes {
    /// The most a file may hold whatever the memory limit: no data set tunelua reads comes near.
    static let maximumBytes = 16 << 30

    static func read(_ path: String, function: String) throws(DataError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(function, "file not found: \(path)")
        }
        guard !isDirectory.boolValue else { throw DataError(function, "\(path) is a directory, not a file") }
        guard let file = gzopen(path, "rb") else { throw DataError(function, "cannot open \(path)") }
        defer { gzclose_r(file) }
        _ = gzbuffer(file, 1 << 17)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        let cap = min(MemoryBudget.limit, maximumBytes)
        var nextCheck = MemoryBudget.checkedSize
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw DataError("\(path): byte \(bytes.count)", "cannot read (\(message)); the file may be truncated or corrupt")
            }
            if n == 0 { break }
            if bytes.count + Int(n) > cap {
                throw DataError("\(path): byte \(bytes.count)", "the file (inflated, when gzipped) is larger than the \(cap)-byte limit on what tunelua reads (see --memory-limit)")
            }
            if bytes.count + Int(n) >= nextCheck {
                // Twice what is read so far: the bytes and the array growing to hold them.
                if let refusal = MemoryBudget.refusal(bytes: bytes.count, for: "reading \(path)") {
                    throw DataError("\(path): byte \(bytes.count)", refusal)
                }
                nextCheck = bytes.count * 2
            }
            bytes.append(contentsOf: chunk[0..<Int(n)])
        }
        // A gzip stream cut short ends without an error from gzread but with Z_BUF_ERROR pending.
        var code: Int32 = 0
        _ = gzerror(file, &code)
        if code == Z_BUF_ERROR {
            throw DataError("\(path): byte \(bytes.count)", "compressed stream ends early (truncated gzip file)")
        }
        return bytes
    }
}
