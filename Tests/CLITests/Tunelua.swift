import Foundation

/// Runs the real `tunelua` binary (built next to the test bundle) the way a user does.
enum Tunelua {
    /// The build folder holding the test bundle, `tunelua` and the other products.
    static let productsDirectory: URL = {
        if let override = ProcessInfo.processInfo.environment["TUNELUA_PRODUCTS"] {
            return URL(fileURLWithPath: override)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.pathComponents.count > 1 && !FileManager.default.fileExists(atPath: url.appendingPathComponent("tunelua").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static var binary: String { productsDirectory.appendingPathComponent("tunelua").path }
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let luaTests = repository.appendingPathComponent("Tests/lua")

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// The process ended by a signal (a crash, an abort), not by exiting; `status` is then the signal.
        var signaled = false
    }

    /// Runs `executable` with `arguments` (and `input` on stdin), waiting for it to exit.
    static func run(_ arguments: [String], executable: String? = nil, input: String? = nil,
                    directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let readErr = DispatchSemaphore(value: 0)
        Thread {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            readErr.signal()
        }.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        readErr.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      signaled: process.terminationReason == .uncaughtSignal)
    }

    /// Runs a shell command line (for `ulimit`), with `$TUNELUA` set to the binary.
    static func shell(_ command: String) throws -> Result {
        try run(["-c", command], executable: "/bin/sh", environment: ["TUNELUA": binary])
    }

    /// Writes `code` to a fresh temporary file named `name` and returns its path.
    static func script(_ code: String, name: String = "script.lua") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tunelua-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(code.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
