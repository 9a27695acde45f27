import NN

// Before anything runs: on virtual CPUs Debian's OpenBLAS may pick its slowest kernels; this
// restarts the process once with the right OPENBLAS_CORETYPE (no effect elsewhere).
BLAS.reexecWithSupportedCoreTypeIfNeeded()

let (options, script) = TuneluaCommand.split(Array(CommandLine.arguments.dropFirst()))
do {
    var command = try TuneluaCommand.parse(options)
    command.script = script
    try command.run()
} catch {
    TuneluaCommand.exit(withError: error)
}
