import Foundation
import Testing
@testable import Bridge

/// `Sandbox.resolve` (docs/sandbox.md): `..` and symbolic links are resolved before the check,
/// files to be created are placed by their existing parent, and links to nowhere are refused.
struct SandboxPathTests {
    let root: String
    let sandbox: Sandbox

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tunelua-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("inside/deeper"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("outside"), withIntermediateDirectories: true)
        root = url.resolvingSymlinksInPath().path
        try FileManager.default.createSymbolicLink(atPath: root + "/inside/out", withDestinationPath: root + "/outside")
        try FileManager.default.createSymbolicLink(atPath: root + "/inside/nowhere", withDestinationPath: root + "/outside/missing")
        try FileManager.default.createSymbolicLink(atPath: root + "/inside/self", withDestinationPath: root + "/inside/deeper")
        sandbox = try Sandbox(allowing: [root + "/inside", root + "/inside/deeper/../"])
    }

    @Test func allowedDirectoriesAreResolvedOnce() {
        #expect(sandbox.directories == [root + "/inside"])
    }

    @Test func pathsInsideResolveToThemselves() throws {
        #expect(try sandbox.resolve(root + "/inside/deeper/../new/file.bin", function: "save") == root + "/inside/new/file.bin")
        #expect(try sandbox.resolve(root + "/inside/self/x", function: "save") == root + "/inside/deeper/x")
        #expect(try sandbox.resolve(root + "/inside", function: "Tuner") == root + "/inside")
    }

    @Test(arguments: ["/inside/../outside/x", "/inside/out/x", "/inside/nowhere", "/inside/a/b/../../../outside",
                      "/insider", "/inside/deeper/../../../../../etc/passwd"])
    func pathsThatLeaveAreRefused(_ path: String) {
        #expect(throws: SandboxError.self) { try sandbox.resolve(root + path, function: "csv") }
    }

    @Test func theRefusalNamesFunctionPathResolutionAndAllowed() {
        do {
            _ = try sandbox.resolve(root + "/inside/out/x", function: "csv")
            Issue.record("not refused")
        } catch {
            #expect(error.description == "csv: '\(root)/inside/out/x' (resolves to \(root)/outside/x) is outside the sandbox (allowed: \(root)/inside)")
        }
    }

    @Test func aMissingAllowedDirectoryIsAnError() {
        #expect(throws: SandboxError.self) { try Sandbox(allowing: [root + "/missing"]) }
    }
}
