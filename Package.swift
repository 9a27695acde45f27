// swift-tools-version: 6.0
import PackageDescription

/// Swift's `squareRoot()` reaches C's `sqrtf`, which may set `errno`; that alone keeps the training
/// engine's element-wise loops (Adam, RMSprop, normalization) scalar. Without `errno` they vectorize.
let vectorizedMath: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]

let package = Package(
    name: "tunelua",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tunelua", targets: ["tunelua"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Public API

        .executableTarget(
            name: "tunelua",
            dependencies: [
                "Bridge", "Engine", "NN", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Implementation details

        /// Swift over Lua, and the bindings that expose Engine and NN as Lua modules.
        .target(name: "Bridge", dependencies: ["CLua", "Engine", "NN"]),
        /// The tuner: hyperparameters, oracles, trials, the search loop and storage. No Lua.
        .target(name: "Engine", dependencies: ["CSQLite", "CLibPQ", "CBLAS"]),
        /// The training engine: tensors, layers, losses, optimizers, fit, and data readers. No Lua.
        .target(name: "NN", dependencies: ["CBLAS", "CZlib", "CFloatControl"], swiftSettings: vectorizedMath),

        /// Flush-to-zero for the training loop (no Swift API reaches the floating-point control word).
        .target(name: "CFloatControl"),

        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CEditLine", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: - Benchmarks (run by bench/*.sh; never timed tests)

        .executableTarget(name: "bench-bridge", dependencies: ["Bridge", "NN"], path: "bench/bridge"),
        .executableTarget(name: "bench-tuner", dependencies: ["Engine"], path: "bench/tuner",
                          exclude: ["overhead.lua", "reference.py", "run.sh"]),
        .executableTarget(name: "bench-oracles", dependencies: ["Engine"], path: "bench/oracles",
                          exclude: ["reference.py"]),
        .executableTarget(name: "bench-nn", dependencies: ["NN", "CBLAS", "CZlib"], path: "bench/nn",
                          exclude: ["keras_reference.py", "run.sh"]),

        // MARK: - Tools

        /// The bridge soak loop, in a process of its own (resident memory; valgrind).
        .executableTarget(name: "bridge-soak", dependencies: ["Bridge"], path: "tools/bridge-soak"),

        // MARK: - Tests

        .testTarget(name: "BridgeTests", dependencies: ["Bridge", "CLua"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "CAllocationCounter"], resources: [.copy("Fixtures")]),
        /// Counts a thread's heap allocations (NNTests' steady-state check); replaces malloc in the test binary.
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(name: "CLITests", dependencies: ["tunelua", "bridge-soak"]),
    ],
    swiftLanguageModes: [.v6]
)
