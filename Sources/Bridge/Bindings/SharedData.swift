import Foundation
import NN
import Synchronization

/// Tensors that data calls loaded, shared by every Lua state of one script run: each worker runs
/// the same script and asks for the same files, and gets the same immutable buffers (tensors are
/// copy-on-write), so N workers hold one copy. A file is known by its path, options, size and
/// modification time, so a changed file is read again.
final class SharedData: Sendable {
    private let loaded = Mutex<[String: [Tensor]]>([:])

    /// The tensors for `key`, loaded once.
    func tensors(_ key: String, load: () throws -> [Tensor]) throws -> [Tensor] {
        if let hit = loaded.withLock({ $0[key] }) { return hit }
        let made = try load()
        return loaded.withLock { cache in
            if let first = cache[key] { return first }
            cache[key] = made
            return made
        }
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
}
