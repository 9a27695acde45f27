import CLua
import Testing
@testable import Bridge
#if canImport(Glibc)
import Glibc
#endif

/// Errors cross the bridge in both directions as values, never as unwinding through Swift.
struct ErrorCrossingTests {
    struct Failure: Error, CustomStringConvertible { var description: String { "swift says no" } }

    @Test func luaErrorReachesSwiftWithFileLineAndTraceback() throws {
        let state = try LuaState()
        do {
            try state.run("local x = 1\nlocal function f() error('bad thing') end\nf()", chunkName: "=search.lua")
            Issue.record("no error")
        } catch {
            #expect(error.message == "search.lua:2: bad thing")
            #expect(error.traceback?.contains("stack traceback") == true)
            #expect(error.traceback?.contains("search.lua:3") == true)
        }
    }

    /// The one-argument fast path (`call(one:)`) returns every kind of result, throws Lua's
    /// errors with their traceback, and leaves the stack as it found it either way.
    @Test func oneArgumentCallsKeepTheStackBalanced() throws {
        let state = try LuaState()
        let f = try state.run("""
            return function(x)
              if x == 'fail' then error('refused ' .. x) end
              if x == 'table' then return {1} end
              return x
            end
            """, chunkName: "=f.lua").first!.functionValue!
        let top = lua_gettop(state.L)
        #expect(try f.call(one: .integer(7)).integerValue == 7)
        #expect(try f.call(one: .number(2.5)).doubleValue == 2.5)
        #expect(try f.call(one: .string("s")).stringValue == "s")
        #expect(try f.call(one: .string("table")).tableValue?[1].integerValue == 1)
        do {
            _ = try f.call(one: .string("fail"))
            Issue.record("no error")
        } catch {
            #expect(error.message == "f.lua:2: refused fail")
            #expect(error.traceback?.contains("stack traceback") == true)
        }
        #expect(lua_gettop(state.L) == top)
    }

    @Test func swiftErrorIsCatchableInLuaWithItsMessageAndPosition() throws {
        let state = try LuaState()
        state.globals["fail"] = state.function(name: "fail") { _ in throw Failure() }
        let result = try state.run("local ok, err = pcall(function() fail() end) return ok, err", chunkName: "=t.lua")
        #expect(result[0].boolValue == false)
        #expect(result[1].stringValue == "t.lua:1: swift says no")
    }

    @Test func errorObjectsKeepTheirKindThroughSwift() throws {
        let state = try LuaState()
        state.globals["relay"] = state.function(name: "relay") { call in
            guard let f = call.value(at: 1).functionValue else { throw call.typeError(1, expected: "function") }
            return call.results(try f.call([]))
        }
        let result = try state.run("""
            local E = setmetatable({}, {__tostring = function() return "E!" end})
            local ok, err = pcall(relay, function() error(E) end)
            return rawequal(err, E)
            """)
        #expect(result.first?.boolValue == true)
        do {
            try state.run("error(setmetatable({}, {__tostring = function() return 'custom' end}))")
            Issue.record("no error")
        } catch {
            #expect(error.message == "custom")
            #expect(error.value != nil)
        }
    }

    @Test func argumentErrorsUseLuasStandardForm() throws {
        let state = try LuaState()
        state.globals["square"] = state.function(name: "square") { call in
            guard let x = call.number(at: 1) else { throw call.typeError(1, expected: "number") }
            return call.results(.number(x * x))
        }
        let result = try state.run("return pcall(function() return square('x') end)", chunkName: "=s.lua")
        #expect(result[1].stringValue == "s.lua:1: bad argument #1 to 'square' (number expected, got string)")
    }

    @Test func hostileGlobalMetatableDoesNotCrashTheHost() throws {
        let state = try LuaState()
        state.globals["probe"] = state.function(name: "probe") { call in call.results(.integer(1)) }
        let error = #expect(throws: LuaError.self) {
            try state.run("setmetatable(_G, {__index = function() error('hostile index') end, __newindex = function() error('y') end}); return undefined")
        }
        #expect(error?.message.contains("hostile index") == true)
        // The state stays usable and Swift keeps working through raw access.
        state.globals["after"] = .integer(5)
        #expect(state.globals["after"].integerValue == 5)
        #expect(try state.run("return rawget(_G, 'after') + probe()").first?.integerValue == 6)
    }

    @Test func runawayRecursionIsAnErrorNotACrash() throws {
        let state = try LuaState()
        #expect(throws: LuaError.self) { try state.run("local function f() return 1 + f() end return f()") }
        state.globals["again"] = state.function(name: "again") { call in
            guard let f = call.value(at: 1).functionValue else { return 0 }
            return call.results(try f.call([.function(f)]))
        }
        // Lua -> Swift -> Lua -> Swift … until Lua's C-stack limit stops it.
        do {
            try state.run("local function g(self) return again(self) end return again(g)")
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("stack overflow"))
        }
    }

    @Test func unboundedAllocationIsANotEnoughMemoryError() throws {
        let state = try LuaState(memoryLimit: 64 << 20)
        do {
            try state.run("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end")
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("not enough memory"))
        }
        // After the error the memory is reclaimable and the state works.
        state.collectGarbage()
        #expect(state.memoryInUse < 8 << 20)
        #expect(try state.run("return 1 + 1").first?.integerValue == 2)
    }

    /// Lua → Swift → Lua → Swift with an error raised at each depth and caught at each depth,
    /// 100,000 times: every Swift object and closure is released and the Lua heap stays flat.
    /// (Resident memory is checked in a process of its own: CLITests.nestedErrorLoopKeepsResidentMemoryFlat.)
    @Test func nestedErrorsAtEveryDepthLeakNothing() throws {
        final class Tracked {
            nonisolated(unsafe) static var live = 0
            init() { Tracked.live += 1 }
            deinit { Tracked.live -= 1 }
        }
        let trackedClass = LuaClass(name: "Tracked")
        let baseline = Tracked.live
        let state = try LuaState()
        // depth 1 (Swift): raises when asked, else calls back into Lua with a fresh object.
        state.globals["outer"] = state.function(name: "outer") { call in
            let mode = call.number(at: 1) ?? 0
            let tracked = Tracked()
            if mode == 1 { throw Failure() }
            guard let f = call.value(at: 2).functionValue else { return 0 }
            let result = try f.call([.object(tracked, trackedClass)])
            return call.results(result)
        }
        // depth 3 (Swift): a fresh closure per call, raising on demand.
        state.globals["inner"] = state.function(name: "inner") { call in
            let closure = call.state.function(name: "made") { _ in throw Failure() }
            if call.number(at: 1) == 3 { throw Failure() }
            return call.results(closure)
        }
        let loop = try state.load("""
            local n = ...
            local caught = 0
            for i = 1, n do
              local mode = i % 5
              -- error raised in Swift at depth 1, caught in Lua at depth 0
              local ok = pcall(outer, mode == 1 and 1 or 0, function(obj)
                -- depth 2 (Lua): call Swift at depth 3, error raised there or in a closure it made
                local ok2, made = pcall(inner, mode)
                if ok2 then pcall(made) end
                if mode == 2 then error("lua error at depth 2") end
                if mode == 4 then error(setmetatable({}, {__tostring = function() return "obj" end})) end
                return obj
              end)
              if not ok then caught = caught + 1 end
            end
            return caught
            """, chunkName: "=loop.lua")
        _ = try loop.call([.integer(2_000)])   // warm-up: caches, allocator pools
        state.collectGarbage()
        let functionsBefore = state.liveFunctions
        let luaBefore = state.memoryInUse
        let caught = try loop.call([.integer(100_000)])
        state.collectGarbage()
        state.collectGarbage()
        #expect(caught.first?.integerValue == 60_000)
        #expect(Tracked.live == baseline)
        #expect(state.liveFunctions == functionsBefore)
        #expect(state.memoryInUse < luaBefore + (256 << 10))
    }

    @Test func closuresAreReleasedAfterGarbageCollection() throws {
        let state = try LuaState()
        state.collectGarbage()
        let before = state.liveFunctions
        state.globals["make"] = state.function(name: "make") { call in
            call.results(call.state.function(name: "made") { _ in 0 })
        }
        try state.run("for i = 1, 1000 do local f = make(); f() end")
        #expect(state.liveFunctions >= before + 1)
        state.collectGarbage()
        #expect(state.liveFunctions == before + 1)   // only `make` itself, held by _G
        state.globals["make"] = .nil
        state.collectGarbage()
        #expect(state.liveFunctions == before)
    }
}
