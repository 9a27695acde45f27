import Foundation
import NN

// Before anything runs: on virtual CPUs Debian's OpenBLAS may pick its slowest kernels; this
// restarts the process once with the right OPENBLAS_CORETYPE (no effect elsewhere).
BLAS.reexecWithSupportedCoreTypeIfNeeded()
// One BLAS thread unless the user says otherwise: on this project's 2-core machines one thread
// trained the tutorial's model 2-3x faster than two (bench-nn --threads 1 vs 2), because
// OpenBLAS's threads spin-wait for a core that another process holds.
if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil { BLAS.setThreads(1) }

let (options, script) = TuneluaCommand.split(Array(CommandLine.arguments.dropFirst()))
do {
    var command = try TuneluaCommand.parse(options)
    command.script = script
    try command.run()
} catch {
    TuneluaCommand.exit(withError: error)
}
