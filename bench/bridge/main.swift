// Bridge call overhead, each figure beside a plain Lua->Lua call measured in the same run.
// Targets (issue 2): Lua->Swift at most 3x a Lua->Lua call; Swift->Lua at most 3x.
// Usage: swift run -c release bench-bridge [calls]   (prints medians of 7 rounds)
import Bridge
import Foundation
import NN
#if canImport(Glibc)
import Glibc
#endif

// As tunelua does: without it an idle OpenBLAS worker spins on a core, and its CPU time, which
// os.clock and this benchmark count, inflates every figure.
BLAS.configureAtStartup(threads: 1)

/// CPU time of the process, as Lua's os.clock measures it: both sides of each ratio are timed
/// the same way, and neither counts time spent waiting for a busy machine's cores.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

/// An object shaped like a HyperParameters space: `hp:Float(name, min, max)` bound by signature.
final class Space {
    var values: [String: Double] = [:]
}

if CommandLine.arguments.count > 2 {   // profiling: one kind of call only
    let state = try LuaState()
    state.globals["swift_identity"] = state.function(name: "swift_identity") { call in
        call.push(.number(call.number(at: 1) ?? 0)); return 1
    }
    let f = try state.run("return function(x) return x end").first!.functionValue!
    if CommandLine.arguments[2] == "lua-to-swift" {
        try state.run("for i = 1, 100000 do swift_identity(i) end")
    } else {
        for i in 0..<100_000 { _ = try f.call(one: .integer(Int64(i))) }
    }
    exit(0)
}

let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000_000 : 2_000_000
let state = try LuaState()
state.globals["swift_identity"] = state.function(name: "swift_identity") { call in
    call.push(.number(call.number(at: 1) ?? 0))
    return 1
}
let floatSignature = Signature("Float", [.init("name", .string, required: true), .init("min_value", .number, required: true),
                                         .init("max_value", .number, required: true), .init("step", .number),
                                         .init("sampling", .string), .init("default", .number)])
let spaceClass = LuaClass(name: "HyperParameters", bindsMethods: true)
spaceClass.method("Float") { call in
    let space = call.object(at: 1, as: Space.self)!
    // The fast path a binding takes for purely positional calls; the binder handles the rest.
    if call.argumentCount == 4, let name = call.string(at: 2), let low = call.number(at: 3), let _ = call.number(at: 4) {
        if let value = space.values[name] { call.push(.number(value)); return 1 }
        space.values[name] = low
        call.push(.number(low)); return 1
    }
    let args = try floatSignature.bind(call, from: 2)
    call.push(.number(args.double("min_value") ?? 0))
    return 1
}
state.globals["hp"] = .object(Space(), spaceClass)

let luaLoops = try state.load("""
    local n, which = ...
    local clock = os.clock
    local function lua_identity(x) return x end
    local f = which == "lua" and lua_identity or swift_identity
    if which == "hp" then
      local t0 = clock()
      for i = 1, n do hp:Float("x", -2.0, 2.0) end
      return clock() - t0
    elseif which == "hp_kw" then
      local t0 = clock()
      for i = 1, n do hp:Float{"x", -2.0, 2.0, sampling = "linear"} end
      return clock() - t0
    end
    local t0 = clock()
    for i = 1, n do f(i) end
    return clock() - t0
    """, chunkName: "=bench")
let luaFunction = try state.run("return function(x) return x end").first!.functionValue!

/// Nanoseconds per protected call of `function` from Swift.
func swiftToLua(_ function: LuaFunction, _ calls: Int) throws -> Double {
    let t0 = now()
    for i in 0..<calls { _ = try function.call(one: .integer(Int64(i))) }
    return (now() - t0) / Double(calls) * 1e9
}

var rounds: [String: [Double]] = [:]
for _ in 0..<7 {
    for which in ["lua", "swift", "hp", "hp_kw"] {
        let n = which == "hp_kw" ? calls / 10 : calls
        let seconds = try luaLoops.call([.integer(Int64(n)), .string(which)]).first!.doubleValue!
        rounds[which, default: []].append(seconds / Double(n) * 1e9)
    }
    rounds["swift_to_lua", default: []].append(try swiftToLua(luaFunction, calls))
}

let lua = median(rounds["lua"]!)
@MainActor func line(_ label: String, _ key: String, target: Double?) {
    let ns = median(rounds[key]!)
    let ratio = ns / lua
    let verdict = target.map { ratio <= $0 ? "  (target <= \($0)x: met)" : "  (target <= \($0)x: NOT met)" } ?? ""
    print(label.padding(toLength: 44, withPad: " ", startingAt: 0)
          + String(format: "%8.1f ns/call  %5.2fx Lua->Lua", ns, ratio) + verdict)
}
print("bridge call overhead, median of 7 rounds of \(calls) calls")
print("Lua->Lua function call".padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%8.1f ns/call", lua))
line("Lua->Swift closure", "swift", target: 3)
line("Swift->Lua function (protected)", "swift_to_lua", target: 3)
line("hp:Float(name, min, max) method", "hp", target: nil)
line("hp:Float{name, min, max, sampling=…} (binder)", "hp_kw", target: nil)
