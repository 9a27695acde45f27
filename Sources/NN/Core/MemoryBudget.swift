import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The allocation budget of the engine's own buffers (weights, data sets read from files, one-hot
/// tensors, …), checked before a large buffer is made, so that an absurd request is a clear
/// error ("cannot allocate N bytes for …") instead of a trap in the allocator.
///
/// One budget per process by nature: `--memory-limit` caps the whole process — every Lua state
/// and these buffers together — so the check compares a request with the limit less what the
/// process already holds (its resident size, which includes every Lua heap). It is the one
/// process-wide value, set once at start-up and read atomically from any thread; until it is set
/// only the arithmetic is checked.
public enum MemoryBudget {
    private static let limitBytes = Atomic<Int>(Int.max)

    /// Requests smaller than this are not checked against the resident size (reading it costs a
    /// system call; small buffers cannot exhaust a limit that large ones have not).
    static let checkedSize = 8 << 20

    /// Sets the process's limit in bytes (the CLI's `--memory-limit`, or its default).
    public static func setLimit(_ bytes: Int) { limitBytes.store(max(bytes, 1 << 20), ordering: .relaxed) }

    public static var limit: Int { limitBytes.load(ordering: .relaxed) }

    /// Bytes for `dimensions` of elements of `elementSize` bytes, or nil on overflow.
    public static func bytes(_ dimensions: [Int], elementSize: Int = MemoryLayout<Float>.size) -> Int? {
        var product = elementSize
        for d in dimensions {
            guard d >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// Why `dimensions` float32 values for `what` cannot be allocated, or nil when they can.
    public static func refusal(_ dimensions: [Int], for what: String, elementSize: Int = MemoryLayout<Float>.size) -> String? {
        guard let bytes = bytes(dimensions, elementSize: elementSize) else {
            return "cannot allocate \(what): \(shapeText(dimensions)) values of \(elementSize) bytes overflow a 64-bit size"
        }
        return refusal(bytes: bytes, for: what)
    }

    /// Why `bytes` for `what` cannot be allocated, or nil when they can.
    public static func refusal(bytes: Int, for what: String) -> String? {
        let limit = self.limit
        if bytes > limit || bytes > Int(Int32.max) * 16 {
            return "cannot allocate \(bytes) bytes for \(what) (the memory limit is \(limit == Int.max ? "unset" : String(limit)) bytes; see --memory-limit)"
        }
        guard bytes >= checkedSize, limit != Int.max else { return nil }
        let resident = residentBytes()
        if resident + bytes > limit {
            return "cannot allocate \(bytes) bytes for \(what): the process holds \(resident) bytes of its \(limit)-byte memory limit (see --memory-limit)"
        }
        return nil
    }

    /// Throws `NNError(.invalidArgument)` when `dimensions` cannot be allocated for `what`.
    public static func check(_ dimensions: [Int], for what: String) throws(NNError) {
        if let message = refusal(dimensions, for: what) { throw NNError(.invalidArgument, message) }
    }

    /// The process's resident set size, from `/proc/self/statm`.
    static func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = read(fd, &buffer, 127)
        guard n > 0 else { return 0 }
        let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func shapeText(_ dimensions: [Int]) -> String { dimensions.map(String.init).joined(separator: " × ") }
}
