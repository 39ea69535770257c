import Foundation
import JenkinsSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Secret files in commands: a FIFO fails its controller, loose modes warn (SPEC §8.12)")
struct SecretFileCommandTests {
    /// Points the scenario's auth at `path` as a token_file.
    static func useTokenFile(_ path: String, in scenario: RotationScenario) throws {
        let policy = try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8)
            .replacingOccurrences(
                of: "auth: { user: rotation-admin, password_env: ADMIN_PASSWORD }",
                with: "auth: { user: rotation-admin, token_file: \(path) }")
        try scenario.world.writePolicy(policy)
    }

    @Test("a FIFO token_file: check exits 1 naming it, rotate exits 2, neither waits for a writer")
    func fifo() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        let fifo = scenario.world.path("admin.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        try Self.useTokenFile(fifo, in: scenario)
        let before = try scenario.world.databaseDump()
        let started = ContinuousClock.now
        let check = await scenario.world.run(["check"])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("FAIL ci"))
        #expect(check.stdout.contains("\(fifo) cannot be read (it is a FIFO (named pipe), not a regular file)"))
        let rotate = await scenario.world.run(["rotate"])
        #expect(rotate.status == 2, "\(rotate.stderr)")
        #expect(rotate.stderr.contains("FIFO"))
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(await scenario.simulator.requestCount(.generate) == 0)
        #expect(try scenario.world.databaseDump() == before)
    }

    @Test("a group- or world-readable token_file works but earns a warning in check and rotate")
    func looseMode() async throws {
        let scenario = try await RotationScenario.make(auth: .apiToken)
        defer { Task { await scenario.stop() } }
        let tokenFile = scenario.world.path("admin.token")
        #expect(chmod(tokenFile, 0o644) == 0)
        let check = await scenario.world.run(["check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stderr.contains("secret file \(tokenFile) is readable by everyone (mode 644)"))
        let rotate = await scenario.world.run(["rotate"])
        #expect(rotate.status == 0, "\(rotate.stderr)")
        #expect(rotate.stderr.contains("readable by everyone"))
        #expect(chmod(tokenFile, 0o600) == 0)
        let quiet = await scenario.world.run(["check"])
        #expect(!quiet.stderr.contains("readable by"))
        try scenario.expectNoSecretLeaks([check, rotate, quiet])
    }
}
