import Foundation
import Testing

/// The bounded CI run of the API fuzzer (Tests/fuzz/fuzz.lua, issue 17): fixed seeds, one
/// process each, under `ulimit -v` of 6 GiB. It fails on any process that ends by a signal, and
/// on one that does not finish (a hang). `tools/fuzz` is the longer run.
struct FuzzTests {
    static let fuzzer = Tunelua.repository.appendingPathComponent("Tests/fuzz/fuzz.lua").path
    /// Seeds and calls per process; CI runs 8 × 1,500 = 12,000 calls (TUNELUA_FUZZ_SEEDS and
    /// TUNELUA_FUZZ_CALLS change them).
    static let seeds = Int(ProcessInfo.processInfo.environment["TUNELUA_FUZZ_SEEDS"] ?? "") ?? 8
    static let calls = Int(ProcessInfo.processInfo.environment["TUNELUA_FUZZ_CALLS"] ?? "") ?? 1500

    @Test(arguments: 1...seeds)
    func fuzzedProcessEndsByExiting(_ seed: Int) throws {
        try fuzz(seed: seed, calls: Self.calls)
    }

    /// The same fuzzer under `--sandbox` (docs/sandbox.md), its scratch directory the one allowed:
    /// fewer seeds, as the sandbox changes which paths are taken, not what the API does.
    @Test(arguments: 1...max(1, seeds / 4))
    func fuzzedSandboxedProcessEndsByExiting(_ seed: Int) throws {
        try fuzz(seed: seed, calls: Self.calls, options: "--sandbox --allow .")
    }

    private func fuzz(seed: Int, calls: Int, options: String = "") throws {
        let directory = URL(fileURLWithPath: try Tunelua.script("", name: "x")).deletingLastPathComponent().path
        // `timeout` reports a child killed by a signal as 128 + the signal, and a hang as 124.
        // In a scratch directory: what the fuzzer writes (weights, projects named by its strings) stays there.
        let result = try Tunelua.shell("mkdir -p '\(directory)/work' && cd '\(directory)/work' && ulimit -v 6291456 && exec timeout -s KILL 300 \"$TUNELUA\" \(options) --memory-limit 1G '\(Self.fuzzer)' \(seed) \(calls) '\(directory)/work' </dev/null")
        #expect(result.status != 124 && result.status != 137, "seed \(seed) hung (killed after 300 s)")
        #expect(result.status < 128, "seed \(seed) ended by signal \(result.status - 128):\n\(result.stderr.suffix(3000))")
        #expect(result.status == 0, "seed \(seed): exit \(result.status)\n\(result.stderr.suffix(3000))")
        #expect(result.stdout.contains("fuzz seed=\(seed) calls=\(calls) "), "seed \(seed) did not finish:\n\(result.stdout.suffix(500))")
    }
}
