import Foundation
import CZlib

/// Reads a whole file, transparently inflating gzip (zlib's `gzread` passes plain files through).
enum FileBytes {
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
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                throw DataError("\(path): byte \(bytes.count)", "cannot read (\(message)); the file may be truncated or corrupt")
            }
            if n == 0 { break }
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
