import CLua

extension LuaState {
    /// Instructions between two runs of the state's hook in a sandboxed state. The hook stays
    /// installed there so that every coroutine inherits it (Lua copies a thread's hook into the
    /// coroutines it creates): a coroutine that never yields is stopped by a trial's limits too.
    static let sandboxHookPeriod: Int32 = 1000

    /// The path a Lua-facing function may open for `path`: `path` itself outside the sandbox, the
    /// resolved path inside one; throws when the sandbox refuses it (docs/sandbox.md).
    func allowedPath(_ path: String, function: String) throws -> String {
        guard let sandbox else { return path }
        return try sandbox.resolve(path, function: function)
    }

    /// Narrows the standard libraries to what docs/sandbox.md lists: no `io`, no `debug`, `os`
    /// reduced to `clock`, `time` and `date`, no C modules, text chunks only, files through
    /// `allowedPath`, `collectgarbage` without the options that retune or stop the collector,
    /// a string metatable that `getmetatable("")` cannot change, no `__gc` metamethods (Lua runs
    /// finalizers with hooks off, out of the limits' reach), and coroutine functions that
    /// keep a stopped trial stopped in the thread that resumed the coroutine. The wrappers hold the
    /// originals in upvalues: a script that rebinds globals changes nothing they rely on.
    func applySandbox(_ sandbox: Sandbox) throws(LuaError) {
        tl_watch_set_period(mainThread, LuaState.sandboxHookPeriod)
        let resolve = function(name: "tunelua.sandbox.resolve") { call in
            let function = call.string(at: 2) ?? "?"
            guard let path = call.string(at: 1) else {
                throw LuaCallError("bad argument #1 to '\(function)' (string expected, got \(call.value(at: 1).typeName))")
            }
            return call.results(.string(try sandbox.resolve(path, function: function)))
        }
        var patterns: [String] = []
        for directory in sandbox.directories {
            let base = directory == "/" ? "" : directory
            patterns += ["\(base)/?.lua", "\(base)/?/init.lua"]
        }
        tl_pushwatchcheck(L)
        let stopped = LuaFunction(state: self, popping: L)
        let chunk = try load(LuaState.sandboxSource, chunkName: "=tunelua.sandbox")
        try chunk.call([resolve, .string(patterns.joined(separator: ";")), .function(stopped)])
    }

    /// Runs once per sandboxed state, before any script code (its chunk name starts with
    /// `=tunelua`, so positions in errors are the caller's line).
    static let sandboxSource = #"""
        local resolve, path, stopped = ...
        local load, loadfile, rawcollect = load, loadfile, collectgarbage
        local error, select, type, setmetatable, rawget = error, select, type, setmetatable, rawget
        local byte, format = string.byte, string.format
        local package, loaded, searchers = package, package.loaded, package.searchers

        local safe_os = { clock = os.clock, time = os.time, date = os.date }
        os, io, debug = safe_os, nil, nil
        loaded.os, loaded.io, loaded.debug = safe_os, nil, nil
        string.dump = nil
        package.loadlib, package.cpath, package.path = nil, "", path

        -- Text only: a binary chunk can break the VM's assumptions.
        function _G.load(chunk, name, mode, ...)
          if type(chunk) == "string" and byte(chunk, 1) == 27 then
            return nil, "load: binary chunks are not allowed in the sandbox"
          end
          if select("#", ...) > 0 then return load(chunk, name, "t", ...) end
          return load(chunk, name, "t")
        end

        local function open(fname, filename, ...)
          if filename == nil then error(fname .. ": standard input cannot be read in the sandbox", 3) end
          local resolved = resolve(filename, fname)
          if select("#", ...) > 0 then return loadfile(resolved, "t", ...) end
          return loadfile(resolved, "t")
        end
        function _G.loadfile(filename, mode, ...) return open("loadfile", filename, ...) end
        function _G.dofile(filename)
          local f, message = open("dofile", filename)
          if not f then error(message, 2) end
          return f()
        end

        -- require: tunelua's modules, package.preload, and Lua files that the sandbox allows.
        local function lua_searcher(name)
          local found, message = package.searchpath(name, package.path)
          if not found then return message end
          local f, err = loadfile(resolve(found, "require"), "t")
          if not f then
            error(format("error loading module '%s' from file '%s':\n\t%s", name, found, err), 0)
          end
          return f, found
        end
        package.searchers = { searchers[1], searchers[2], lua_searcher }

        -- A trial stopped inside a coroutine stays stopped in the thread that resumed it.
        local create, resume, close = coroutine.create, coroutine.resume, coroutine.close
        local pack, unpack = table.pack, table.unpack
        local function after(...) stopped() return ... end
        function coroutine.resume(co, ...) return after(resume(co, ...)) end
        function coroutine.close(co) return after(close(co)) end
        function coroutine.wrap(f)
          local co = create(f)
          return function(...)
            local results = pack(resume(co, ...))
            stopped()
            if results[1] then return unpack(results, 2, results.n) end
            close(co)
            -- As Lua's own wrap: a message gets the caller's position in front.
            error(results[2], type(results[2]) == "string" and 2 or 0)
          end
        end

        local gc_options = { collect = true, count = true, step = true, isrunning = true }
        function _G.collectgarbage(option, ...)
          if option == nil then option = "collect" end
          if type(option) ~= "string" or not gc_options[option] then
            error("collectgarbage: option '" .. (type(option) == "string" and option or type(option))
                  .. "' is not allowed in the sandbox (allowed: collect, count, step, isrunning)", 2)
          end
          return rawcollect(option, ...)
        end

        -- Lua runs finalizers with hooks off: a __gc that loops could not be stopped by any limit.
        function _G.setmetatable(t, mt)
          if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
            error("setmetatable: __gc metamethods are not allowed in the sandbox (no limit can stop a finalizer)", 2)
          end
          return setmetatable(t, mt)
        end

        -- getmetatable("") answers with a read-only view: the metatable itself stays out of reach.
        local strings = getmetatable("")
        strings.__metatable = setmetatable({}, {
          __index = { __index = strings.__index },
          __newindex = function() error("the string metatable is read-only in the sandbox", 2) end,
          __metatable = false,
        })
        """#
}
