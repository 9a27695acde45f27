import CLua
import NN
#if canImport(Glibc)
import Glibc
#endif

/// One Lua 5.4 state and everything Swift keeps about it. Owned by one thread.
///
/// Every call into Lua is protected (`lua_pcall` with a message handler that records a traceback),
/// and every Swift function Lua calls enters through the C trampoline, so a Lua error never unwinds
/// a Swift frame.
public final class LuaState {
    /// The thread currently running Swift code for this state (the main thread, or the coroutine
    /// that called into Swift). Nested calls into Lua use its stack. Kept in a raw cell: it is
    /// swapped on every call from Lua, and a stored property would pay for exclusivity checks.
    var L: OpaquePointer {
        get { currentThread.pointee }
        set { currentThread.pointee = newValue }
    }
    let currentThread: UnsafeMutablePointer<OpaquePointer>
    let mainThread: OpaquePointer
    let allocator: UnsafeMutablePointer<tl_alloc_state>
    /// Whether the state is still open, shared with every `LuaRef` (which may outlive it).
    final class Lifetime {
        var isClosed = false
        var liveRefs = 0
    }
    let lifetime = Lifetime()
    var isClosed: Bool { lifetime.isClosed }
    /// Registry references Swift holds right now (for leak tests).
    public var liveRefs: Int { lifetime.liveRefs }
    /// Swift functions Lua holds right now; each is released when Lua collects its closure.
    public internal(set) var liveFunctions = 0
    /// Userdata classes by name.
    var classes: [String: LuaClass] = [:]
    /// The class system's `invoke`, cached: the search loop calls it for every trial.
    var invokeFunction: LuaFunction?
    /// The Lua class system (ExtendableClass), loaded on first use.
    var classSystemCache: LuaTable?
    /// Recognises `kt.errors` objects (set when the tunelua module loads).
    var errorKindFunction: LuaFunction?
    /// What the bindings keep per state (the open projects, the Keras seed stream, …), so that
    /// nothing is shared between states running on different threads.
    private var bindingStorage: [String: AnyObject] = [:]
    /// Modules `require` finds before searching the file system.
    private var preloads: [String: (LuaState) throws -> LuaValue] = [:]
    /// Set in a state made for a script one did not write (`--sandbox`; docs/sandbox.md).
    public let sandbox: Sandbox?
    /// Seconds of CPU time each trial this state runs may use (`--cpu-limit`); nil for none.
    public var trialCPULimit: Double?

    /// Creates a state with Lua's standard libraries.
    /// - Parameters:
    ///   - memoryLimit: soft cap on the Lua heap in bytes; past it, allocations made while Lua code
    ///     runs fail with Lua's "not enough memory" error.
    ///   - sandbox: narrows the libraries and the files the state may reach (docs/sandbox.md).
    public init(memoryLimit: Int = LuaState.defaultMemoryLimit, sandbox: Sandbox? = nil) throws(LuaError) {
        self.sandbox = sandbox
        allocator = .allocate(capacity: 1)
        allocator.initialize(to: tl_alloc_state(used: 0, limit: max(memoryLimit, 1 << 20), inSwift: 1, refused: 0,
                                                shared: LuaState.processHeap, pending: 0))
        guard let L = tl_newstate(allocator) else {
            allocator.deallocate()
            throw LuaError(message: "cannot create a Lua state (out of memory)")
        }
        currentThread = .allocate(capacity: 1)
        currentThread.initialize(to: L)
        self.mainThread = L
        lua_atpanic(L) { L in
            let message = L.flatMap { tl_tolstring_raw($0, -1, nil) }.map { String(cString: $0) } ?? "?"
            fputs("tunelua: unprotected Lua error (a bug in tunelua): \(message)\n", tl_stderr())
            abort()
        }
        // Before any coroutine exists: they copy the main thread's pointer to it.
        tl_watch_install(L)
        guard tl_popenlibs(L) == LUA_OK else {
            let error = takeError(L, status: LUA_ERRRUN)
            close()
            throw error
        }
        installFunctionBoxMetatable()
        try installPreloadSearcher()
        if let sandbox { try applySandbox(sandbox) }
    }

    deinit { close() }

    /// Closes the state, running pending finalizers. Later use of any `LuaRef` is a no-op.
    public func close() {
        guard !isClosed else { return }
        lifetime.isClosed = true
        lua_close(mainThread)
        // What lua_close freed may still be pending: settle it with the process's count.
        tl_heap_settle(allocator)
        allocator.deallocate()
        currentThread.deallocate()
    }

    /// Half of physical memory, or of the address-space limit when one is set (`ulimit -v`), so
    /// that Lua's cap is reached before the system allocator fails.
    public static var defaultMemoryLimit: Int {
        var limit = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        var rl = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &rl) == 0, rl.rlim_cur != rlim_t.max {
            limit = min(limit, Int(clamping: rl.rlim_cur))
        }
        return max(limit / 2, 16 << 20)
    }

    /// Every Lua heap of the process together, counted against `--memory-limit` (set once by the
    /// command line through `limitProcessMemory`; until then only each state's own cap applies).
    /// Allocated once and never freed: states on any thread point at it.
    nonisolated(unsafe) static let processHeap: UnsafeMutablePointer<tl_heap_budget> = {
        let p = UnsafeMutablePointer<tl_heap_budget>.allocate(capacity: 1)
        p.initialize(to: tl_heap_budget(used: 0, limit: 0))
        return p
    }()

    /// Caps the whole process at `bytes`: every Lua state's heap together, and the engine's
    /// buffers (`MemoryBudget`), which see the Lua heaps in the process's resident size.
    public static func limitProcessMemory(_ bytes: Int) {
        processHeap.pointee.limit = bytes
        MemoryBudget.setLimit(bytes)
    }

    /// Throws unless about `values` numbers in tables fit the Lua heap's cap (this state's and the
    /// process's). Swift builds such tables while the allocator never refuses (a refusal would
    /// unwind Swift), so a large one must be refused here, before it is built.
    func checkLuaHeap(for values: Int, what: String) throws {
        let (bytes, overflow) = values.multipliedReportingOverflow(by: 20)   // a TValue, and the tables' share
        let own = allocator.pointee.limit - min(allocator.pointee.limit, allocator.pointee.used)
        let shared = LuaState.processHeap.pointee
        let process = shared.limit == 0 ? Int.max : shared.limit - min(shared.limit, shared.used)
        if overflow || bytes > min(own, process) {
            throw LuaCallError("\(what) would need about \(overflow ? Int.max : bytes) bytes of Lua memory; \(min(own, process)) are left under the memory limit (see --memory-limit)")
        }
    }

    /// The cap that refused an allocation: this state's, or the process's when that is lower.
    var memoryLimitText: String {
        let shared = LuaState.processHeap.pointee.limit
        let limit = shared > 0 ? min(shared, allocator.pointee.limit) : allocator.pointee.limit
        return "\(limit) bytes"
    }

    /// Bytes the Lua heap uses now.
    public var memoryInUse: Int { allocator.pointee.used }
    /// The soft cap on the Lua heap.
    public var memoryLimit: Int {
        get { allocator.pointee.limit }
        set { allocator.pointee.limit = newValue }
    }

    // MARK: - Running code

    /// Loads and runs a chunk. `chunkName` is what errors show as the file (`"=search.lua"` shows
    /// as `search.lua`; `"@path"` as `path`).
    @discardableResult
    public func run(_ code: String, chunkName: String = "=(string)", arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        let function = try load(code, chunkName: chunkName)
        return try function.call(arguments)
    }

    /// Runs a file as `lua FILE` does; the chunk name is the path as given.
    @discardableResult
    public func run(file path: String, arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        let status = path.withCString { luaL_loadfilex(L, $0, chunkMode) }
        guard status == LUA_OK else { throw takeError(L, status: status) }
        let function = LuaFunction(state: self, popping: L)
        return try function.call(arguments)
    }

    /// Text only in a sandbox (a binary chunk can break the VM's assumptions), either otherwise.
    private var chunkMode: String? { sandbox == nil ? nil : "t" }

    /// Compiles a chunk without running it.
    public func load(_ code: String, chunkName: String = "=(string)") throws(LuaError) -> LuaFunction {
        // withCString's buffer holds every byte of the string (embedded NULs included).
        let status = code.withCString { tl_loadbuffer(L, $0, code.utf8.count, chunkName, chunkMode) }
        guard status == LUA_OK else { throw takeError(L, status: status) }
        return LuaFunction(state: self, popping: L)
    }

    /// Runs `function` on `L` with `arguments` already pushed; leaves results on the stack.
    func protectedCall(_ L: OpaquePointer, arguments: Int32, results: Int32) throws(LuaError) {
        let status = tl_pcall(L, arguments, results)
        guard status == LUA_OK else { throw takeError(L, status: status) }
    }

    /// Pops the error value after a failed load or call and turns it into a `LuaError`.
    func takeError(_ L: OpaquePointer, status: Int32) -> LuaError {
        var traceback: String?
        lua_getfield(L, TL_REGISTRYINDEX, "tunelua.traceback")
        if let text = tl_tolstring_raw(L, -1, nil) { traceback = String(cString: text) }
        tl_pop(L, 1)
        lua_pushnil(L)
        lua_setfield(L, TL_REGISTRYINDEX, "tunelua.traceback")

        if status == LUA_ERRMEM {
            tl_pop(L, 1)
            return LuaError(message: "not enough memory (the Lua heap reached the memory limit, \(memoryLimitText); see --memory-limit)",
                            traceback: traceback)
        }
        if let text = tl_tolstring_raw(L, -1, nil) {
            let message = String(cString: text)
            tl_pop(L, 1)
            return LuaError(message: message, traceback: traceback)
        }
        // An error object: keep it, and describe it by its __tostring.
        var message = "(error object is a \(String(cString: tl_typename(L, -1))) value)"
        if tl_ptostring(self.L == L ? L : L, -1) == LUA_OK, let text = tl_tolstring_raw(L, -1, nil) {
            message = String(cString: text)
        }
        tl_pop(L, 1)
        if lua_type(L, -1) == LUA_TNIL {
            tl_pop(L, 1)
            return LuaError(message: "nil", traceback: traceback)
        }
        let value = LuaRef(state: self, popping: L)
        return LuaError(message: message, traceback: traceback, value: value)
    }

    // MARK: - Globals and modules

    /// The global table.
    public var globals: LuaTable {
        lua_rawgeti(L, TL_REGISTRYINDEX, lua_Integer(LUA_RIDX_GLOBALS))
        return LuaTable(state: self, popping: L)
    }

    /// Makes `require(name)` return the value `open` builds (once, on first require).
    public func preload(_ name: String, _ open: @escaping (LuaState) throws -> LuaValue) {
        preloads[name] = open
    }

    /// Adds a searcher in front of Lua's, so preloaded Swift modules win over files.
    private func installPreloadSearcher() throws(LuaError) {
        let searcher = function(name: "tunelua.searcher") { call in
            guard let name = call.string(at: 1), let open = call.state.preloads[name] else {
                call.push(.string("\n\tno tunelua module '\(call.string(at: 1) ?? "?")'"))
                return 1
            }
            let loader = call.state.function(name: name) { inner in
                inner.push(try open(inner.state))
                return 1
            }
            call.push(loader)
            call.push(.string(":preload:"))
            return 2
        }
        let install = try load("""
            local searcher = ...
            table.insert(package.searchers, 2, searcher)
            """, chunkName: "=tunelua")
        try install.call([searcher])
    }

    // MARK: - Converting values

    /// Pushes a Swift value onto `L`.
    func push(_ value: LuaValue, on L: OpaquePointer) {
        switch value {
        case .nil: lua_pushnil(L)
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s):
            var s = s
            s.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
        case .table(let ref as LuaRef), .function(let ref as LuaRef), .userdata(let ref):
            if ref.state === self { ref.push(L) } else { lua_pushnil(L) }
        case .object(let object, let luaClass):
            // Room for the value and the scratch slots each kind uses; every nested level asks
            // again, so a deep value (a rank-100 tensor's `totable`) never writes past the stack.
            // Values are depth-bounded where they are read, far below Lua's stack limit, so the
            // check succeeds; a Swift caller cannot raise here.
            _ = lua_checkstack(L, 4)
            pushObject(object, luaClass, on: L)
        case .array(let items):
            _ = lua_checkstack(L, 4)
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (i, item) in items.enumerated() {
                push(item, on: L)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .dictionary(let items):
            _ = lua_checkstack(L, 4)
            lua_createtable(L, 0, Int32(clamping: items.count))
            for (key, item) in items {
                push(.string(key), on: L)
                push(item, on: L)
                lua_rawset(L, -3)
            }
        }
    }

    /// Pushes nil, booleans and numbers without touching any Swift object; false for other kinds.
    @inline(__always)
    static func pushScalar(_ value: LuaValue, on L: OpaquePointer) -> Bool {
        switch value {
        case .number(let d): lua_pushnumber(L, d)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .boolean(let b): lua_pushboolean(L, b ? 1 : 0)
        case .nil: lua_pushnil(L)
        default: return false
        }
        return true
    }

    /// Reads nil, a boolean or a number at `index`; nil for other kinds.
    @inline(__always)
    static func scalar(at index: Int32, on L: OpaquePointer) -> LuaValue? {
        // Integers first: the commonest result costs two C API calls instead of three.
        if tl_isinteger(L, index) != 0 { return .integer(Int64(tl_tointeger(L, index, nil))) }
        switch lua_type(L, index) {
        case LUA_TNIL: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER: return .number(tl_tonumber(L, index, nil))
        default: return nil
        }
    }

    /// Reads the value at `index` of `L`'s stack (without popping it).
    func value(at index: Int32, on L: OpaquePointer) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if tl_isinteger(L, index) != 0 { return .integer(Int64(tl_tointeger(L, index, nil))) }
            return .number(tl_tonumber(L, index, nil))
        case LUA_TSTRING:
            var length = 0
            let pointer = tl_tolstring_raw(L, index, &length)!
            let buffer = UnsafeRawBufferPointer(start: pointer, count: length)
            return .string(String(decoding: buffer, as: UTF8.self))
        case LUA_TTABLE:
            lua_pushvalue(L, index)
            return .table(LuaTable(state: self, popping: L))
        case LUA_TFUNCTION:
            lua_pushvalue(L, index)
            return .function(LuaFunction(state: self, popping: L))
        default:
            lua_pushvalue(L, index)
            return .userdata(LuaRef(state: self, popping: L))
        }
    }

    /// Converts a Swift value to a Lua reference (for storing Lua-side values in Swift objects).
    public func reference(_ value: LuaValue) -> LuaRef {
        push(value, on: L)
        return LuaRef(state: self, popping: L)
    }

    /// The value a reference holds, as a `LuaValue`.
    public func value(of ref: LuaRef) -> LuaValue {
        ref.push(L)
        defer { tl_pop(L, 1) }
        return value(at: -1, on: L)
    }

    /// The binding object stored under `key`, if one was stored.
    func perStateIfPresent<T: AnyObject>(_ key: String) -> T? { bindingStorage[key] as? T }

    /// Stores a binding object under `key` (replacing any).
    func setPerState(_ key: String, _ object: AnyObject) { bindingStorage[key] = object }

    /// The binding object stored under `key` in this state, made on first use.
    func perState<T: AnyObject>(_ key: String, make: () -> T) -> T {
        if let existing = bindingStorage[key] as? T { return existing }
        let made = make()
        bindingStorage[key] = made
        return made
    }

    /// A fresh empty table.
    public func newTable() -> LuaTable {
        tl_newtable(L)
        return LuaTable(state: self, popping: L)
    }

    /// Runs Lua's full garbage collector (tests use it to check that boxes are released).
    public func collectGarbage() {
        // lua_gc with LUA_GCCOLLECT runs finalizers in protected mode; it does not raise.
        _ = tl_gc(L, LUA_GCCOLLECT, 0)
    }
}

extension OpaquePointer {
    /// Pops `n` values from this Lua thread's stack.
    func pop(_ n: Int32 = 1) { tl_pop(self, n) }
}
