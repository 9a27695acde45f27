import Foundation
import NN
import Synchronization

/// Tensors that data calls loaded, shared by every Lua state of one script run: each worker runs
/// the same script and asks for the same files, and gets the same immutable buffers (tensors are
/// copy-on-write), so N workers hold one copy. A file is known by its path, options, size and
/// modification time, so a changed file is read again.
///
/// What a script computes from a shared tensor with a number (`x_train / 255`) is shared the same
/// way: every worker computes the same thing, and it would otherwise be N copies of the data set.
final class SharedData: Sendable {
    private struct Cache {
        var loaded: [String: [Tensor]] = [:]
        /// The buffers of every tensor held here, so results computed from them can be known.
        var buffers: Set<UInt> = []
        var derivedCount = 0
    }
    /// Held for good, so only the few a script's setup computes (a loop computing more gets copies).
    private static let derivedLimit = 16
    private let cache = Mutex(Cache())

    /// The tensors for `key`, loaded once.
    func tensors(_ key: String, load: () throws -> [Tensor]) throws -> [Tensor] {
        if let hit = cache.withLock({ $0.loaded[key] }) { return hit }
        let made = try load()
        return cache.withLock { cache in
            if let first = cache.loaded[key] { return first }
            cache.loaded[key] = made
            for tensor in made { cache.buffers.insert(Self.buffer(tensor)) }
            return made
        }
    }

    /// `compute()`, shared when `source` is a tensor held here (`operation` names what is computed
    /// from it); nil when it is not, so the caller computes as usual.
    func derived(from source: Tensor, _ operation: String, compute: () -> Tensor) -> Tensor? {
        let address = Self.buffer(source)
        let key = "\(address)\u{0}\(source.shape)\u{0}\(operation)"
        let shareable = cache.withLock { cache -> Bool in
            guard cache.buffers.contains(address) else { return false }
            if cache.loaded[key] != nil { return true }
            guard cache.derivedCount < Self.derivedLimit else { return false }
            cache.derivedCount += 1
            return true
        }
        guard shareable else { return nil }
        // The address is stable: the buffer is held here, so it is neither freed nor reused.
        return try? tensors(key) { [compute()] }.first
    }

    private static func buffer(_ tensor: Tensor) -> UInt {
        tensor.scalars.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    /// A key naming `path` as it is now (nil when it cannot be read: the loader reports why).
    static func fileKey(_ function: String, _ path: String, _ options: String = "") -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date else { return nil }
        return "\(function)\u{0}\(path)\u{0}\(options)\u{0}\(size)\u{0}\(modified.timeIntervalSince1970)"
    }
}

extension LuaState {
    /// Loads through the script's shared data when this state has one (a script run that may
    /// start workers), else directly.
    func sharedTensors(_ key: String?, load: () throws -> [Tensor]) throws -> [Tensor] {
        guard let key, let host = scriptHost, host.canLaunch else { return try load() }
        return try host.sharedData.tensors(key, load: load)
    }

    /// `compute()`, shared with the other states when `source` is shared data.
    func sharedTensor(derivedFrom source: Tensor, _ operation: String, compute: () -> Tensor) -> Tensor {
        scriptHost?.sharedData.derived(from: source, operation, compute: compute) ?? compute()
    }
}
