import Foundation
import RotatorCLI
import Testing

/// `token-rotator demo` runs jenkins-sim as a child process: the credential-handling binary links no HTTP server.
@Suite("Demo")
struct DemoTests {
    @Test("demo starts jenkins-sim as a child, rotates the due tokens over HTTP, and stops the child with SIGTERM")
    func demoRunsTheSimulatorAsAChild() async throws {
        let world = try TestWorld()
        world.logFormat = .text
        let result = await world.run(["demo"], withPaths: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("== what Jenkins (the simulator) holds now"))
        #expect(result.stdout.contains("3 rotated, 0 failed"), "\(result.stdout)")
        // The last step, reconcile, finds the orphan planted on alice's page.
        let reconcile = try #require(result.stdout.components(separatedBy: "== token-rotator reconcile").last)
        #expect(reconcile.split(separator: "\n").contains { $0.contains(" alice ") && $0.contains(" orphan ") })
        let pid = try #require(
            result.stdout.firstMatch(of: /jenkins-sim \(process (\d+)\) at http:\/\/127\.0\.0\.1:\d+/)
                .flatMap { Int32($0.1) })
        #expect(kill(pid, 0) != 0, "jenkins-sim \(pid) is still running")
    }

    @Test("a demo killed with SIGKILL takes its jenkins-sim with it (the child stops at the end of its stdin)")
    func killedDemoLeavesNoSimulator() async throws {
        let world = try TestWorld()
        // A slow simulator, so that the demo is still rotating when it is killed.
        let slow = try world.write(
            "#!/bin/sh\nexec '\(builtExecutable("jenkins-sim"))' --latency 3s \"$@\"\n", to: "slow-sim", mode: 0o755)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("token-rotator"))
        process.arguments = ["demo"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TOKEN_ROTATOR_JENKINS_SIM": slow]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains(" at http") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let pid = try #require(text.firstMatch(of: /jenkins-sim \(process (\d+)\)/).flatMap { Int32($0.1) })
        kill(process.processIdentifier, SIGKILL)
        await process.exited()
        // Gone, or a zombie waiting for an init that does not reap: either way it no longer serves.
        func stopped() -> Bool {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
            return status.contains("State:\tZ")
        }
        let deadline = Date().addingTimeInterval(10)
        while !stopped() && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(stopped(), "jenkins-sim \(pid) outlived the demo")
    }

    @Test("a missing jenkins-sim is exit 2 naming the path it looked at and how to build it")
    func missingSimulator() async throws {
        let world = try TestWorld()
        world.variables["TOKEN_ROTATOR_JENKINS_SIM"] = world.path("no-such/jenkins-sim")
        let result = await world.run(["demo"], withPaths: false)
        #expect(result.status == 2)
        #expect(result.stderr.contains(world.path("no-such/jenkins-sim")))
        #expect(result.stderr.contains("swift build"))
    }

    @Test("the token-rotator executable does not link the simulator or its HTTP server")
    func noServerInTheProduct() throws {
        let manifest = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Package.swift")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let cli = try #require(text.firstRange(of: "name: \"RotatorCLI\"").map { text[$0.lowerBound...] })
        let dependencies = try #require(cli.firstRange(of: "swiftSettings").map { cli[..<$0.lowerBound] })
        #expect(!dependencies.contains("JenkinsSimulator"))
        #expect(!dependencies.contains("hummingbird"))
    }
}
