import Foundation
import Testing

/// Issue 17: what a hostile script or a damaged file does to the real binary. Every case must
/// end as exit status 1 with a message that names what went wrong — never a signal — and no
/// message may be longer than a few hundred bytes beyond the traceback.
struct HardeningTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let code: String
        let message: String
        var testDescription: String { name }
    }

    static let prelude = "local kt = require 'tunelua'; local keras = require 'tunelua.keras'; local data = require 'tunelua.data'; "

    /// Items 1-6 of the issue, one script each.
    static let scriptCases: [Case] = [
        // 1. cyclic tables where Swift walks a table
        .init(name: "cyclic data.tensor", code: "local t = {}; t[1] = t; data.tensor(t)", message: "tensor: data[1] contains itself"),
        .init(name: "cyclic to_categorical", code: "local t = {}; t[1] = t; keras.utils.to_categorical(t)", message: "to_categorical: x[1] contains itself"),
        .init(name: "cyclic objective list", code: "local t = {}; t[1] = t; kt.RandomSearch{ objective = t, max_trials = 1, run_trial = function() return 1 end }",
              message: "objective: a list inside the objective list"),
        .init(name: "cyclic run_trial result", code: """
              local tuner = kt.RandomSearch{ max_trials = 1, verbose = 0, directory = os.tmpname() .. '.d', overwrite = true,
                run_trial = function(self, trial) trial.hyperparameters.Float('x', 0, 1); local t = {}; t[1] = t; return t end }
              tuner:search()
              """, message: "run_trial: returned a list of lists"),
        .init(name: "cyclic set_state", code: "local tuner = kt.RandomSearch{ max_trials = 1, verbose = 0, directory = os.tmpname() .. '.d', run_trial = function() return 1 end }; local s = {}; s.a = s; tuner:set_state(s)",
              message: "contains itself"),
        // 2. deep tables
        .init(name: "deep data.tensor", code: "local t = {}; local r = t; for i = 1, 100000 do r[1] = {}; r = r[1] end; data.tensor(t)",
              message: "tensor: data is nested deeper than 64 levels"),
        .init(name: "deep set_state", code: "local tuner = kt.RandomSearch{ max_trials = 1, verbose = 0, directory = os.tmpname() .. '.d', run_trial = function() return 1 end }; local t = {}; local r = t; for i = 1, 100000 do r.a = {}; r = r.a end; tuner:set_state(t)",
              message: "nested deeper than 200 levels"),
        .init(name: "deep objective list", code: "local t = {}; local r = t; for i = 1, 100000 do r[1] = {}; r = r[1] end; kt.RandomSearch{ objective = t, run_trial = function() return 1 end }",
              message: "objective: a list inside the objective list"),
        // 3. sizes
        .init(name: "Dense 2^40 on 2^40", code: "keras.Sequential{ keras.Input{ shape = {2^40} }, keras.layers.Dense{ units = 2^40 } }",
              message: "overflow a 64-bit size"),
        .init(name: "Conv2D maxinteger filters", code: "keras.Sequential{ keras.Input{ shape = {8, 8, 1} }, keras.layers.Conv2D{ filters = math.maxinteger, kernel_size = 3 } }",
              message: "cannot allocate the kernel of Conv2D"),
        .init(name: "pooling maxinteger strides", code: "local m = keras.Sequential{ keras.Input{ shape = {8, 8, 1} }, keras.layers.MaxPooling2D{ pool_size = math.maxinteger, strides = math.maxinteger, padding = 'same' } }; error('built: ' .. m:count_params())",
              message: "built: 0"),
        .init(name: "reshape overflow", code: "data.tensor{1}:reshape{2^62, 2^62, 4}", message: "reshape: cannot reshape a tensor of shape [1]"),
        .init(name: "unallocatable weights", code: "keras.Sequential{ keras.Input{ shape = {1000000} }, keras.layers.Dense{ units = 10000 } }",
              message: "cannot allocate 40000000000 bytes for the kernel of Dense"),
        .init(name: "a megabyte keyword", code: "keras.layers.Dense{ units = 2, [string.rep('u', 1 << 20)] = 1 }", message: "bytes cut"),
        .init(name: "csv of /dev/zero", code: "data.csv('/dev/zero')", message: "/dev/zero: byte"),
        // 4. mixed nesting
        .init(name: "mixed nesting", code: "data.tensor{1, {2, 3}}", message: "tensor: data[2] is a list where a number was expected (mixed nesting)"),
        .init(name: "mixed nesting, list first", code: "data.tensor{{2, 3}, 1}", message: "tensor: data[2] is a number where a list was expected"),
        // 5. many values pushed
        .init(name: "rank-100 totable", code: "local s = {}; for i = 1, 100 do s[i] = 1 end; local t = data.tensor{7}:reshape(s):totable(); local d = 0; while type(t) == 'table' do t = t[1]; d = d + 1 end; error('depth ' .. d .. ' value ' .. t)",
              message: "depth 100 value 7.0"),
        // 6. foreign userdata and debug tricks
        .init(name: "__gc on a foreign userdata", code: "local t = data.tensor{1}; getmetatable(t).__gc(io.tmpfile()); error('still alive: ' .. t:mean())", message: "still alive: 1.0"),
        .init(name: "our metatable on an io file", code: "local f = io.tmpfile(); debug.setmetatable(f, getmetatable(data.tensor{1})); f:mean()",
              message: "mean: call it on a tensor"),
        .init(name: "another class's metatable", code: "local t = data.tensor{1}; debug.setmetatable(t, getmetatable(keras.Sequential())); t:count_params()",
              message: "count_params: call it on a model"),
        .init(name: "replaced upvalue", code: "debug.setupvalue(data.tensor, 1, io.tmpfile()); data.tensor{1}",
              message: "this function's upvalue was replaced"),
        .init(name: "another box as upvalue", code: "local _, box = debug.getupvalue(data.tensor, 1); debug.setupvalue(data.mean or data.csv, 1, data.tensor{1}); data.csv('x')",
              message: "this function's upvalue was replaced"),
    ]

    @Test(arguments: scriptCases)
    func hostileScriptIsALuaError(_ c: Case) throws {
        let path = try Tunelua.script(Self.prelude + c.code, name: "hostile.lua")
        let result = try Tunelua.shell("ulimit -v 6291456; exec \"$TUNELUA\" --memory-limit 1G '\(path)'")
        #expect(!result.signaled, "\(c.name): ended by signal \(result.status)")
        #expect(result.status == 1, "\(c.name): exit \(result.status)\n\(result.stderr)")
        #expect(result.stderr.contains("hostile.lua:"), "\(c.name): \(result.stderr)")
        #expect(result.stderr.contains(c.message), "\(c.name): \(result.stderr)")
        let firstLine = result.stderr.split(separator: "\n").first ?? ""
        #expect(firstLine.utf8.count < 500, "\(c.name): message of \(firstLine.utf8.count) bytes")
    }

    /// Item 3, the readers: a gzip bomb given to `data.idx` (600 MB of zeros against a 256 MiB
    /// limit) and an 8 MiB header line.
    @Test func boundedReaders() throws {
        let directory = URL(fileURLWithPath: try Tunelua.script("", name: "x")).deletingLastPathComponent()
        let bomb = directory.appendingPathComponent("bomb.idx.gz").path
        let header = directory.appendingPathComponent("header.csv").path
        let made = try Tunelua.shell("head -c 600000000 /dev/zero | gzip -1 > '\(bomb)' && { head -c 8388608 /dev/zero | tr '\\0' 'a'; printf '\\n1\\n'; } > '\(header)'")
        #expect(made.status == 0, "\(made.stderr)")
        let idx = try Tunelua.shell("ulimit -v 6291456; exec \"$TUNELUA\" --memory-limit 256M -e \"require('tunelua.data').idx('\(bomb)')\"")
        #expect(!idx.signaled && idx.status == 1, "\(idx.stderr)")
        #expect(idx.stderr.contains("cannot allocate") && idx.stderr.contains("bomb.idx.gz: byte"), "\(idx.stderr)")
        let csv = try Tunelua.run(["-e", "require('tunelua.data').csv('\(header)')"])
        #expect(!csv.signaled && csv.status == 1, "\(csv.stderr)")
        #expect(csv.stderr.contains("header.csv:1: no label column 'label'"), "\(csv.stderr)")
        #expect((csv.stderr.split(separator: "\n").first ?? "").utf8.count < 400, "\(csv.stderr.prefix(500))")
    }

    /// The whole binary runs under the address-space limit these tests use.
    @Test func runsUnderAnAddressSpaceLimit() throws {
        let result = try Tunelua.shell("ulimit -v 6291456; exec \"$TUNELUA\" -e \"local keras = require 'tunelua.keras'; local m = keras.Sequential{ keras.Input{ shape = {4} }, keras.layers.Dense{ units = 2 } }; print(m:count_params())\"")
        #expect(result.status == 0 && result.stdout == "10\n", "\(result.status) \(result.stderr)")
    }
}
