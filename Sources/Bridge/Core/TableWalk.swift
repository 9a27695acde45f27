import CLua

/// Guards a Swift walk down nested Lua tables. Swift recurses on its own stack, which a table
/// 100,000 levels deep would overflow, and a table that contains itself would never end: both
/// become Lua errors naming the function, the argument and the place (`tensor: data[1][1] …`).
struct TableWalk {
    /// Deep enough for any real data (tensors, JSON states), far from Swift's stack limit and from
    /// Lua's stack limit for values pushed back (one slot per level).
    static let maximumDepth = 200

    let function: String
    let argument: String
    let limit: Int
    /// The tables on the path from the root, by identity: a cycle is a table met again on it.
    private var ancestors: [UnsafeRawPointer] = []

    init(function: String, argument: String, limit: Int = TableWalk.maximumDepth) {
        self.function = function
        self.argument = argument
        self.limit = limit
    }

    var depth: Int { ancestors.count }

    /// Steps into `table` found at `path` (Lua index syntax, `[2][1]` or `.key`).
    mutating func enter(_ table: LuaTable, path: String) throws {
        let identity = table.identity
        if ancestors.contains(identity) {
            throw LuaCallError("\(function): \(argument)\(path) contains itself (a cyclic table cannot be read here)")
        }
        guard ancestors.count < limit else {
            throw LuaCallError("\(function): \(argument) is nested deeper than \(limit) levels (at \(argument)\(Self.short(path)))")
        }
        ancestors.append(identity)
    }

    mutating func leave() { ancestors.removeLast() }

    /// A path cut to its ends: a path 200 levels deep would make a very long message.
    static func short(_ path: String) -> String {
        path.utf8.count <= 80 ? path : String(path.prefix(40)) + "…" + String(path.suffix(30))
    }
}

extension LuaTable {
    /// The table's address, which identifies it while it is alive (as `tostring(t)` shows).
    var identity: UnsafeRawPointer {
        let L = state.L
        push(L)
        defer { tl_pop(L, 1) }
        return lua_topointer(L, -1)!
    }
}
