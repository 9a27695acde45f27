import Foundation
import NN

// Before anything runs, OpenBLAS is configured by re-running the process once when needed: on
// virtual CPUs Debian's OpenBLAS may pick its slowest kernels, and OpenBLAS runs one thread (an
// idle OpenBLAS thread spins on a core). Training splits its work across its own threads instead,
// as many as each Lua state's `trainingThreads` says (every core by default).
BLAS.configureAtStartup(threads: 1)

let (options, script) = TuneluaCommand.split(Array(CommandLine.arguments.dropFirst()))
do {
    var command = try TuneluaCommand.parse(options)
    command.script = script
    try command.run()
} catch {
    TuneluaCommand.exit(withError: error)
}
