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
        let pid = try #require(
            result.stdout.firstMatch(of: /jenkins-sim \(process (\d+)\) at http:\/\/127\.0\.0\.1:\d+/)
                .flatMap { Int32($0.1) })
        #expect(kill(pid, 0) != 0, "jenkins-sim \(pid) is still running")
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
