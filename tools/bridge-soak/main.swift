// Runs Lua -> Swift -> Lua -> Swift with an error raised and caught at every depth, N times, in a
// process of its own, and prints the resident memory before and after. Used by CLITests (memory
// flat) and by tools/leakcheck.sh (under valgrind). Usage: bridge-soak [iterations]
import Bridge
#if canImport(Glibc)
import Glibc
#endif

struct Failure: Error, CustomStringConvertible { var description: String { "swift error" } }

final class Tracked {
    nonisolated(unsafe) static var live = 0
    init() { Tracked.live += 1 }
    deinit { Tracked.live -= 1 }
}

func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 128)
    guard fgets(&buffer, 128, file) != nil else { return 0 }
    let fields = String(cString: buffer).split(separator: " ")
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100_000 : 100_000
nonisolated(unsafe) let trackedClass = LuaClass(name: "Tracked")

func soak() throws {
    let state = try LuaState()
    state.globals["outer"] = state.function(name: "outer") { call in
        let tracked = Tracked()
        if call.number(at: 1) == 1 { throw Failure() }
        guard let f = call.value(at: 2).functionValue else { return 0 }
        return call.results(try f.call([.object(tracked, trackedClass)]))
    }
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
          local ok = pcall(outer, mode == 1 and 1 or 0, function(obj)
            local ok2, made = pcall(inner, mode)
            if ok2 then pcall(made) end
            if mode == 2 then error("lua error at depth 2") end
            if mode == 4 then error(setmetatable({}, {__tostring = function() return "obj" end})) end
            return obj
          end)
          if not ok then caught = caught + 1 end
        end
        return caught
        """, chunkName: "=soak.lua")
    _ = try loop.call([.integer(Int64(max(iterations / 50, 100)))])
    state.collectGarbage()
    let before = residentBytes()
    let functionsBefore = state.liveFunctions
    let caught = try loop.call([.integer(Int64(iterations))]).first?.integerValue ?? -1
    state.collectGarbage()
    let after = residentBytes()
    print("iterations \(iterations) caught \(caught)")
    print("resident_before \(before) resident_after \(after) growth \(after - before)")
    print("live_objects \(Tracked.live) live_functions_growth \(state.liveFunctions - functionsBefore)")
}

do { try soak() } catch {
    print("error: \(error)")
    exit(1)
}
print("live_objects_after_close \(Tracked.live)")
