let (options, script) = TuneluaCommand.split(Array(CommandLine.arguments.dropFirst()))
do {
    var command = try TuneluaCommand.parse(options)
    command.script = script
    try command.run()
} catch {
    TuneluaCommand.exit(withError: error)
}
