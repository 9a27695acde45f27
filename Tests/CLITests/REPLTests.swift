import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The pty functions, looked up at run time: Glibc's Swift module hides them behind _XOPEN_SOURCE.
private enum PTY {
    typealias IntFunction = @convention(c) (Int32) -> Int32
    typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
    static func symbol<T>(_ name: String, as type: T.Type) -> T {
        unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), name), to: type)
    }
    static let openpt = symbol("posix_openpt", as: IntFunction.self)
    static let grant = symbol("grantpt", as: IntFunction.self)
    static let unlock = symbol("unlockpt", as: IntFunction.self)
    static let name = symbol("ptsname", as: NameFunction.self)
}

/// The REPL driven through a pseudo-terminal, as a person at a keyboard drives it.
@Suite(.serialized)
struct REPLTests {
    /// A `tunelua` process whose terminal is the slave side of a pty we hold the master of.
    final class Session {
        let process = Process()
        let master: Int32
        var transcript = ""

        init(arguments: [String] = []) throws {
            master = PTY.openpt(O_RDWR | O_NOCTTY)
            guard master >= 0, PTY.grant(master) == 0, PTY.unlock(master) == 0, let name = PTY.name(master) else {
                throw POSIXError(.EIO)
            }
            let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
            let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
            // setsid --ctty makes the pty the child's controlling terminal, so Ctrl-C typed into it
            // reaches the child as SIGINT, exactly as at a keyboard.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["--ctty", "--wait", Tunelua.binary] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["TERM"] = "dumb"
            environment["HOME"] = FileManager.default.temporaryDirectory.path
            process.environment = environment
            process.standardInput = handle
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        deinit {
            if process.isRunning { process.terminate() }
            close(master)
        }

        /// Types `text` as a person would: not within microseconds of the prompt appearing, when
        /// libedit may still be switching the terminal's mode (and discards what is pending).
        func send(_ text: String) {
            usleep(150_000)
            _ = text.withCString { write(master, $0, strlen($0)) }
        }

        /// Reads until the transcript (since `from`) contains `text`, or fails after `timeout`.
        @discardableResult
        func expect(_ text: String, timeout: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                if let range = transcript.range(of: text) {
                    transcript = String(transcript[range.upperBound...])
                    return true
                }
                var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 100) > 0 {
                    let n = read(master, &buffer, buffer.count)
                    if n <= 0 { break }
                    transcript += String(decoding: buffer[0..<n], as: UTF8.self)
                }
            }
            return transcript.contains(text)
        }

        /// Types `line`, waits for the terminal's echo of it, then for an output line equal to
        /// `answer`: what was typed is consumed first, so the echo can never satisfy the check.
        @discardableResult
        func ask(_ line: String, answer: String, timeout: Double = 10) -> Bool {
            send(line + "\n")
            guard expect(line + "\r\n", timeout: timeout) else { return false }
            return expectLine(timeout: timeout) { $0 == answer }
        }

        /// Reads until a complete line of output (ended by a newline) satisfies `matches`, and
        /// consumes the transcript through it.
        @discardableResult
        func expectLine(timeout: Double = 10, where matches: (String) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                var rest = Substring(transcript)
                // A terminal ends lines with "\r\n", which Swift counts as one Character.
                while let newline = rest.firstIndex(where: \.isNewline) {
                    let line = rest[..<newline]
                    rest = rest[rest.index(after: newline)...]
                    if matches(String(line)) {
                        transcript = String(rest)
                        return true
                    }
                }
                guard Date() < deadline else { return false }
                var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 100) > 0 {
                    let n = read(master, &buffer, buffer.count)
                    if n <= 0 { return false }
                    transcript += String(decoding: buffer[0..<n], as: UTF8.self)
                }
            }
        }
    }

    @Test func expressionValuesArePrinted() throws {
        let session = try Session()
        #expect(session.expect("> "))
        #expect(session.ask("6*7", answer: "42"))
        #expect(session.ask("'a' .. 'b', nil, 2^3", answer: "ab\tnil\t8.0"))
    }

    @Test func incompleteStatementContinuesOnTheNextLine() throws {
        let session = try Session()
        #expect(session.expect("> "))
        session.send("function sq(x)\n")
        #expect(session.expect(">> "))
        session.send("return x * x end\n")
        #expect(session.ask("sq(12)", answer: "144"))
    }

    @Test func errorsAreReportedAndTheSessionGoesOn() throws {
        let session = try Session()
        #expect(session.expect("> "))
        #expect(session.ask("error('code ' .. 6*7)", answer: "tunelua: stdin:1: code 42"))
        #expect(session.ask("40 + 2", answer: "42"))
    }

    @Test func ctrlCInterruptsAComputationAndReturnsToThePrompt() throws {
        let session = try Session()
        #expect(session.expect("> "))
        session.send("while true do end\n")
        usleep(300_000)
        session.send("\u{3}")
        // The terminal echoes Ctrl-C as ^C at the start of the message's line.
        #expect(session.expectLine { $0.hasSuffix("tunelua: interrupted!") })
        #expect(session.ask("('still ' .. 'here'):upper()", answer: "STILL HERE"))
    }

    @Test func ctrlDExits() throws {
        let session = try Session()
        #expect(session.expect("> "))
        session.send("\u{4}")
        let deadline = Date().addingTimeInterval(20)
        while session.process.isRunning && Date() < deadline { usleep(20_000) }
        #expect(!session.process.isRunning)
        #expect(session.process.terminationStatus == 0)
    }

    @Test func dashIRunsTheScriptThenTheREPL() throws {
        let path = try Tunelua.script("answer = 41\n")
        let session = try Session(arguments: ["-i", path])
        #expect(session.expect("> "))
        #expect(session.ask("answer + 1", answer: "42"))
    }
}
