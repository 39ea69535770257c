import Foundation
import JenkinsSimulator
import Testing

@Suite("jenkins-sim command line and users file")
struct CommandLineTests {
    static func temporaryFile(_ contents: String, suffix: String = ".yaml") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("jenkins-sim-\(UUID().uuidString)\(suffix)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let usersYAML = """
        users:
          - id: alice
            password: alice-pass
            admin: false
            tokens:
              - { name: ci, uuid: 0B6D1C2E-1F0A-4C8E-9A53-3F1D2B7C9E10, value: 11aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, created: 2026-01-05T00:00:00Z, expires: 2027-01-01 }
          - id: rotation-admin
            password: admin-pass
            admin: true
          - id: nobody
            read: false
        """

    @Test("every option parses into the configuration")
    func parsesEverything() throws {
        let users = try Self.temporaryFile(Self.usersYAML)
        defer { try? FileManager.default.removeItem(atPath: users) }
        let command = try SimulatorCommandLine.parse(arguments: [
            "--port", "8081", "--host", "0.0.0.0", "--users", users, "--jenkins-version", "2.492.3",
            "--admin-can-generate", "--csrf", "off", "--session-timeout", "2s", "--latency=5ms",
            "--fault", "generate:drop,nth=1", "--fault", "any:slow=10ms", "--crumb-field", "X-Crumb",
            "--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--exclude-session-id", "--stop-on-stdin-eof",
        ])
        guard case .serve(let configuration) = command else {
            Issue.record("expected a serve command")
            return
        }
        #expect(configuration.port == 8081)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.users.map(\.id) == ["alice", "rotation-admin", "nobody"])
        #expect(configuration.jenkinsVersion == "2.492.3")
        #expect(configuration.adminCanGenerate)
        #expect(!configuration.csrfEnabled)
        #expect(configuration.crumbExcludesSessionID)
        #expect(configuration.sessionTimeout == .seconds(2))
        #expect(configuration.latency == .milliseconds(5))
        #expect(configuration.faults.map(\.description) == ["generate:drop,nth=1", "any:slow=10ms"])
        #expect(configuration.crumbField == "X-Crumb")
        #expect(configuration.tls == SimulatorTLS(certificatePath: "/c.pem", privateKeyPath: "/k.pem"))
        #expect(configuration.stopsAtEndOfStandardInput)
    }

    @Test("defaults match a plain Jenkins 2.555.1")
    func defaults() throws {
        guard case .serve(let configuration) = try SimulatorCommandLine.parse(arguments: []) else {
            Issue.record("expected a serve command")
            return
        }
        #expect(configuration.port == 0 && configuration.host == "127.0.0.1")
        #expect(configuration.jenkinsVersion == "2.555.1")
        #expect(configuration.csrfEnabled && !configuration.adminCanGenerate)
        #expect(configuration.sessionTimeout == .seconds(1800))
        #expect(configuration.crumbField == "Jenkins-Crumb")
        #expect(!configuration.stopsAtEndOfStandardInput)
        if case .help = try SimulatorCommandLine.parse(arguments: ["--help"]) {} else { Issue.record("expected help") }
    }

    @Test(
        "usage errors are clear",
        arguments: [
            ["--port"], ["--port", "99999"], ["--csrf", "maybe"], ["--latency", "soon"], ["--fault", "x"],
            ["--tls-cert", "a.pem"], ["--bogus"], ["--jenkins-version", "two"], ["--users", "/no/such/file.yaml"],
        ])
    func usageErrors(arguments: [String]) {
        #expect(throws: SimulatorError.self) { try SimulatorCommandLine.parse(arguments: arguments) }
    }

    @Test("the users file seeds users, hashed tokens, read flags and expiry")
    func usersFile() async throws {
        let users = try UsersFile.parse(Self.usersYAML)
        #expect(users[0].tokens.first?.uuid == "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10")
        #expect(users[0].tokens.first?.expires == "2027-01-01")
        #expect(users[0].tokens.first?.created == Date(timeIntervalSince1970: 1_767_571_200))
        #expect(users[2].read == false && users[1].admin)
        #expect(!"\(users)".contains("11aaaa"))
        #expect(throws: SimulatorError.self) { try UsersFile.parse("users:\n  - id: a\n  - id: A\n") }
        #expect(throws: SimulatorError.self) {
            try UsersFile.parse("users: [ {id: a, tokens: [{name: n, value: v, created: yesterday}]} ]")
        }
    }

    @Test(
        "the jenkins-sim executable prints its base URL (with the context path) first and stops on SIGTERM",
        arguments: [
            ([String](), ""), (["--prefix", "/jenkins"], "jenkins/"), (["--prefix=ci/jenkins/"], "ci/jenkins/"),
        ])
    func executable(extra: [String], path: String) async throws {
        let binary = Bundle.main.bundleURL.appendingPathComponent("jenkins-sim")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("no jenkins-sim at \(binary.path)")
            return
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0"] + extra
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let handle = output.fileHandleForReading
        var line = Data()
        while let byte = try handle.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let url = String(decoding: line, as: UTF8.self)
        #expect(url.hasSuffix(":" + (url.split(separator: ":").last.map(String.init) ?? "")))
        let port = url.wholeMatch(of: /http:\/\/127\.0\.0\.1:(\d+)\/(.*)/)
        #expect(port != nil)
        #expect(port.map { String($0.2) } == path)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
