#if canImport(Glibc)
import Glibc
#endif

/// Which files a sandboxed script may reach (`tunelua --sandbox --allow DIR`): those inside the
/// allowed directories once `..` and symbolic links are resolved. Every Lua-facing function that
/// takes a path (the data readers, model files, project directories, `require`, `loadfile`,
/// `dofile`) asks `resolve` first and then opens the resolved path, never the one it was given.
/// What the sandbox removes from Lua's libraries is `LuaState+Sandbox.swift`; what it promises
/// is docs/sandbox.md.
public struct Sandbox: Sendable, Equatable {
    /// The allowed directories, resolved (absolute, no `..`, no symbolic links).
    public let directories: [String]

    /// Resolves each directory; one that does not exist is an error (a typo would otherwise
    /// allow nothing, silently).
    public init(allowing directories: [String]) throws(SandboxError) {
        var resolved: [String] = []
        for directory in directories {
            guard let path = Sandbox.realPath(directory), Sandbox.isDirectory(path) else {
                throw SandboxError("--allow: '\(directory)' is not an existing directory")
            }
            if !resolved.contains(path) { resolved.append(path) }
        }
        self.directories = resolved
    }

    /// The path `function` may open for `path`, resolved; throws when it lies outside every allowed
    /// directory. A file that does not exist yet (one about to be written, a project directory to
    /// be created) is placed by its deepest existing ancestor, resolved, plus the rest of the path.
    public func resolve(_ path: String, function: String) throws(SandboxError) -> String {
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw SandboxError("\(function): '\(path)' is not a file name")
        }
        let resolved = Sandbox.resolveCreating(path)
        if let resolved, directories.contains(where: { Sandbox.isInside(resolved, $0) }) { return resolved }
        let shown = resolved.map { $0 == path ? "" : " (resolves to \($0))" } ?? ""
        throw SandboxError("\(function): '\(path)'\(shown) is outside the sandbox (allowed: \(directories.joined(separator: ", ")))")
    }

    /// `realpath` of the deepest existing ancestor, then the components below it with `.` and
    /// `..` applied by hand (they name no link: nothing below the ancestor exists); nil for a
    /// dangling symbolic link.
    static func resolveCreating(_ path: String) -> String? {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var rest: [String] = []
        while !components.isEmpty {
            let prefix = components.joined(separator: "/")
            guard let base = realPath(prefix.isEmpty ? "/" : prefix) else {
                // A link to nowhere: writing through it would create its target, wherever that is.
                var st = stat()
                if !prefix.isEmpty && lstat(prefix, &st) == 0 { return nil }
                rest.append(components.removeLast())
                continue
            }
            var parts = base.split(separator: "/").map(String.init)
            for part in rest.reversed() {
                switch part {
                case "", ".": continue
                case "..": if !parts.isEmpty { parts.removeLast() }
                default: parts.append(part)
                }
            }
            return "/" + parts.joined(separator: "/")
        }
        // A relative path with no existing ancestor: it starts in the working directory.
        return realPath(".").flatMap { resolveCreating($0 + "/" + path) }
    }

    static func isInside(_ path: String, _ directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

/// A path refused by the sandbox, or an `--allow` that names no directory.
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
