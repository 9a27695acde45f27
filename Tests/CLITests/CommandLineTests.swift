import Foundation
import Testing

/// The `tunelua` command as `lua` users expect it: exit codes, messages, `arg`, bad input.
struct CommandLineTests {
    @Test func scriptSeesArgAsLuaSetsIt() throws {
        let path = try Tunelua.script("print(arg[0] == ..., arg[1], arg[2], select('#', ...), arg[-1] ~= nil)")
        let result = try Tunelua.run([path, "a", "-i"])
        #expect(result.status == 0)
        #expect(result.stdout == "false\ta\t-i\t2\ttrue\n")
        let args = try Tunelua.script("local a, b = ... print(a, b, arg[0])")
        let second = try Tunelua.run([args, "x", "y"])
        #expect(second.stdout == "x\ty\t\(args)\n")
    }

    @Test func missingScriptIsExitOneWithMessage() throws {
        let result = try Tunelua.run(["/nonexistent/search.lua"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot open /nonexistent/search.lua"))
    }

    @Test func syntaxErrorNamesFileAndLine() throws {
        let path = try Tunelua.script("local x = 1\nlocal y = = 2\n", name: "search.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("search.lua:2:"))
    }

    @Test func runtimeErrorPrintsMessageAndTraceback() throws {
        let path = try Tunelua.script("local function f()\n  error('boom')\nend\nf()\n", name: "search.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("search.lua:2: boom"))
        #expect(result.stderr.contains("stack traceback:"))
        #expect(result.stderr.contains("search.lua:4:"))
    }

    @Test func oneLinersAndVersion() throws {
        #expect(try Tunelua.run(["-e", "print(6*7)"]).stdout == "42\n")
        let failing = try Tunelua.run(["-e", "error('x')"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("(command line):1: x"))
        let version = try Tunelua.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("tunelua "))
        #expect(try Tunelua.run(["--help"]).stdout.contains("USAGE"))
    }

    /// tunelua sets up its OpenBLAS (one thread, the CPU's kernels) by re-running itself with the
    /// environment set, then removes what it set: programs a script starts see the user's own.
    @Test func openBLASSetupDoesNotLeakIntoTheScriptsEnvironment() throws {
        let probe = "print(os.getenv('OPENBLAS_NUM_THREADS'), os.getenv('TUNELUA_OPENBLAS_SET'))"
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            #expect(try Tunelua.run(["-e", probe]).stdout == "nil\tnil\n")
        }
        #expect(try Tunelua.run(["-e", probe], environment: ["OPENBLAS_NUM_THREADS": "2"]).stdout == "2\tnil\n")
    }

    /// A storage that is not a PostgreSQL URL is a clear error, never a silent fall-back to SQLite
    /// (and the password of a mistyped URL is not shown).
    @Test func nonPostgresStorageFromTheEnvironmentIsAClearError() throws {
        let result = try Tunelua.run(["-e", "require('tunelua').RandomSearch{ run_trial = function() return 1 end }"],
                                     environment: ["TUNELUA_STORAGE": "mysql://me:secret@localhost/tunelua"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("RandomSearch: storage must be a postgresql://user:password@host:port/database URL"))
        #expect(!result.stderr.contains("secret"))
    }

    @Test func requireTuneluaWorksInScripts() throws {
        let result = try Tunelua.run(["-e", "local kt = require 'tunelua' print(type(kt.version))"])
        #expect(result.stdout == "string\n")
    }

    @Test func nonTerminalStandardInputRunsAsAScript() throws {
        let result = try Tunelua.run([], input: "print('from stdin')\n")
        #expect(result.stdout == "from stdin\n")
    }

    @Test func bytesThatAreNotUTF8RunAsLuaWould() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tunelua-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("bytes.lua").path
        var bytes = Array("local s = '".utf8) + [0xff, 0xfe, 0xc3] + Array("' print(#s)\n-- \u{1}".utf8) + [0x80, 0x0a]
        bytes += Array("error('\u{1}".utf8) + [0xff] + Array("')\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try Tunelua.run([path])
        #expect(result.stdout == "3\n")
        #expect(result.status == 1)
    }

    @Test func infiniteRecursionIsAStackOverflowError() throws {
        let path = try Tunelua.script("local function f(n) return f(n + 1) + 1 end\nf(1)\n", name: "rec.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("stack overflow"))
    }

    @Test func unboundedAllocationIsNotEnoughMemory() throws {
        let path = try Tunelua.script("local t = {}\nwhile true do t[#t + 1] = ('x'):rep(1000) .. #t end\n", name: "hog.lua")
        let capped = try Tunelua.run(["--memory-limit", "200M", path])
        #expect(capped.status == 1)
        #expect(capped.stderr.contains("not enough memory"))
        // With the address space limited, the default cap follows the limit.
        let limited = try Tunelua.shell("ulimit -v 1500000; exec \"$TUNELUA\" '\(path)'")
        #expect(limited.status == 1, "\(limited.stderr)")
        #expect(limited.stderr.contains("not enough memory"))
    }

    /// The sandbox's options take their value from the next word: the script is what follows.
    @Test func sandboxOptionsTakeTheirValues() throws {
        let path = try Tunelua.script("print(require('tunelua').sandboxed, ...)")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let result = try Tunelua.run(["--sandbox", "--allow", folder, "--allow", "/tmp", "--cpu-limit", "5", "--time-limit", "60", path, "a", "--sandbox"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "true\ta\t--sandbox\n")
        #expect(try Tunelua.run([path, "--sandbox"]).stdout == "false\t--sandbox\n")
    }

    @Test func badMemoryLimitIsAClearError() throws {
        let result = try Tunelua.run(["--memory-limit", "lots", "-e", "print(1)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--memory-limit"))
    }

    /// The Lua -> Swift -> Lua -> Swift error loop, 100,000 times in a process of its own:
    /// resident memory stays flat and every Swift object is released.
    @Test func nestedErrorLoopKeepsResidentMemoryFlat() throws {
        let soak = Tunelua.productsDirectory.appendingPathComponent("bridge-soak").path
        let result = try Tunelua.run(["100000"], executable: soak)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let numbers = Dictionary(uniqueKeysWithValues: result.stdout.split(whereSeparator: \.isWhitespace)
            .chunked2().compactMap { pair in Int(pair.1).map { (String(pair.0), $0) } })
        #expect(numbers["caught"] == 60_000)
        #expect(numbers["live_objects"] == 0)
        #expect(numbers["live_functions_growth"] == 0)
        #expect(numbers["live_objects_after_close"] == 0)
        let growth = try #require(numbers["growth"])
        #expect(growth < 4 << 20, "resident memory grew by \(growth) bytes")
    }
}

private extension Array where Element == Substring {
    /// Consecutive pairs: [a, 1, b, 2] → [(a, 1), (b, 2)].
    func chunked2() -> [(Substring, Substring)] {
        stride(from: 0, to: count - 1, by: 2).map { (self[$0], self[$0 + 1]) }
    }
}
