#if canImport(Glibc)
import Glibc
#endif
@testable import Engine

/// A fresh temporary directory, removed when the value goes away.
final class TempDirectory {
    let path: String
    init() {
        var template = Array("/tmp/tunelua-engine-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        precondition(p != nil)
    }
    deinit { _ = system("rm -rf '\(path)'") }
}

/// Collects what a tuner prints.
final class OutputCollector {
    var text = ""
    var sink: (String) -> Void { { [unowned self] in self.text += $0 } }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(fd, &buf, 4096)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    _ = write(fd, bytes, bytes.count)
    close(fd)
}
