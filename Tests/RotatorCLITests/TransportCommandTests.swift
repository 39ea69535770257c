import Foundation
import JenkinsSimulator
import RotatorCLI
import RotatorCore
import Testing

@Suite("Transport in commands: plain http warnings, a bad ca_file, --version (SPEC §8.1)")
struct TransportCommandTests {
    /// Adds `lab`, reached over plain http at 0.0.0.0 (not loopback by the policy's rule, yet Linux delivers
    /// it to the local simulator), and `broken-ca`, whose ca_file does not exist.
    static func addControllers(to scenario: RotationScenario) throws {
        let port = scenario.simulator.port
        let policy = try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8)
            .replacingOccurrences(
                of: "controllers:\n",
                with: """
                    controllers:
                      lab:
                        url: http://0.0.0.0:\(port)/
                        allow_plain_http: true
                        auth: { user: rotation-admin, password_env: ADMIN_PASSWORD }
                      broken-ca:
                        url: https://127.0.0.1:\(port)/
                        ca_file: \(scenario.world.path("missing-ca.pem"))
                        auth: { user: rotation-admin, password_env: ADMIN_PASSWORD }

                    """)
        try scenario.world.writePolicy(policy)
    }

    static func plainHTTPLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.contains("plain http") }
    }

    @Test("check warns once about plain http, shows it, and reports a bad ca_file for that controller only")
    func check() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        try Self.addControllers(to: scenario)
        let result = await scenario.world.run(["check"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let lab = try #require(lines.first { $0.contains(" lab ") })
        #expect(lab.hasPrefix("ok"), "\(lab)")
        #expect(lab.contains("plain http"))
        #expect(lines.contains { $0.hasPrefix("ok   ci ") && !$0.contains("plain http") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("FAIL broken-ca") }, "\(result.stdout)")
        #expect(result.stdout.contains("missing-ca.pem"))
        let warnings = Self.plainHTTPLines(result.stderr)
        #expect(warnings.count == 1, "\(result.stderr)")
        #expect(warnings.first?.contains("lab") == true)
    }

    @Test("rotate warns once per plain-http controller and still rotates the others")
    func rotate() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        try Self.addControllers(to: scenario)
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let summary = try #require(try decodeJSON(result.stdout) as? [String: Any])
        #expect(summary["rotated"] as? Int == 1, "\(result.stdout)")
        #expect(Self.plainHTTPLines(result.stderr).count == 1, "\(result.stderr)")
    }

    @Test("--version prints the version every request's User-Agent carries")
    func version() async throws {
        let world = try TestWorld()
        let result = await world.run(["--version"], withPaths: false)
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == TokenRotatorVersion.current)
    }
}
