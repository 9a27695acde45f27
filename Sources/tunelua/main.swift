import Foundation
import NN

// Before anything runs, OpenBLAS is configured by re-running the process once when needed: on
// virtual CPUs Debian's OpenBLAS may pick its slowest kernels, and one BLAS thread is the default
// unless OPENBLAS_NUM_THREADS says otherwise (on this project's 2-core machines one thread trained
// the tutorial's model 2-3x faster than two under load, and it keeps seeded training bit-identical
// whatever the machine's load).
BLAS.configureAtStartup(threads: 1)

let (options, script) = TuneluaCommand.split(Array(CommandLine.arguments.dropFirst()))
do {
    var command = try TuneluaCommand.parse(options)
    command.script = script
    try command.run()
} catch {
    TuneluaCommand.exit(withError: error)
}
