import Crypto
import Foundation
import InventoryStore
import JenkinsSimulator
import RotatorCore
import Testing

@Suite("rotate with a jenkins_credential sink, against two live simulators")
struct CredentialSinkRotationTests {
    static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test("a new token reaches a credential on another controller; an unknown id fails, the old token stays")
    func rotates() async throws {
        let world = try TestWorld()
        let ciAdmin = makeTokenValue()
        let agentsAdmin = makeTokenValue()
        let old = ["alice": makeTokenValue(), "bob": makeTokenValue()]
        let uuids = ["alice": UUID().uuidString.lowercased(), "bob": UUID().uuidString.lowercased()]
        let created = Date().addingTimeInterval(-120 * 86_400)
        let ci = try await JenkinsSimulator.start(
            SimulatorConfiguration(
                users: [
                    SimulatedUser(
                        id: "rotation-admin", admin: true, tokens: [SimulatedToken(name: "rotator", value: ciAdmin)]),
                    SimulatedUser(
                        id: "alice",
                        tokens: [
                            SimulatedToken(name: "ci", uuid: uuids["alice"]!, value: old["alice"]!, created: created)
                        ]),
                    SimulatedUser(
                        id: "bob",
                        tokens: [SimulatedToken(name: "ci", uuid: uuids["bob"]!, value: old["bob"]!, created: created)]),
                ], adminCanGenerate: true))
        let agents = try await JenkinsSimulator.start(
            SimulatorConfiguration(
                users: [
                    SimulatedUser(
                        id: "agents-admin", admin: true, tokens: [SimulatedToken(name: "rotator", value: agentsAdmin)])
                ], contextPath: "/jenkins",
                credentials: [
                    SimulatedCredential(
                        id: "alice-jenkins-token", kind: .usernamePassword, descriptionText: "alice on ci",
                        username: "alice", secret: "old-value")
                ]))
        defer {
            Task {
                await ci.stop()
                await agents.stop()
            }
        }
        world.variables = ["CI_TOKEN": ciAdmin, "AGENTS_TOKEN": agentsAdmin]
        for user in ["alice", "bob"] { _ = try world.write(old[user]! + "\n", to: "sinks/\(user).token") }
        #expect(agents.baseURL.absoluteString.hasSuffix("/jenkins/"))
        try world.writePolicy(
            """
            version: 1
            controllers:
              ci:
                url: \(ci.baseURL.absoluteString)
                auth: { user: rotation-admin, token_env: CI_TOKEN }
              agents:
                url: \(agents.baseURL.absoluteString)
                auth: { user: agents-admin, token_env: AGENTS_TOKEN }
            defaults:
              max_age: 90d
              rotate_before: 14d
              deliver:
                - file: { path: "\(world.path("sinks"))/{user}.token" }
                - jenkins_credential: { controller: agents, id: "{user}-jenkins-token", kind: username_password }
            """)
        var csv = "controller,user,name,uuid,created\n"
        for user in ["alice", "bob"] { csv += "ci,\(user),ci,\(uuids[user]!),\(Timestamp.format(created))\n" }
        #expect(await world.run(["inventory", "import", try world.write(csv, to: "seed.csv")]).status == 0)

        let result = await world.run(["rotate", "--format", "json", "--controller", "ci"])
        #expect(result.status == 1, "\(result.stderr)")
        let summary = try #require(try decodeJSON(result.stdout) as? [String: Any])
        let results = try #require(summary["results"] as? [[String: Any]])
        let byUser = Dictionary(uniqueKeysWithValues: results.map { ($0["user"] as? String ?? "?", $0) })
        #expect(byUser["alice"]?["outcome"] as? String == "rotated")
        #expect(byUser["bob"]?["outcome"] as? String == "failed")
        let bobError = byUser["bob"]?["error"] as? String ?? ""
        #expect(bobError.contains("jenkins_credential agents system _/bob-jenkins-token"), "\(bobError)")

        let aliceNew = try #require(world.read("sinks/alice.token")?.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(aliceNew != old["alice"])
        let stored = await agents.credentials().first { $0.id == "alice-jenkins-token" }
        #expect(stored?.secretSHA256 == Self.digest(aliceNew))
        #expect(stored?.redactedXML.contains("<description>alice on ci</description>") == true)
        #expect(stored?.redactedXML.contains("<username>alice</username>") == true)

        #expect(world.read("sinks/bob.token") == old["bob"]! + "\n")
        #expect(await ci.tokens(of: "bob").map(\.uuid) == [uuids["bob"]!])

        var haystacks = [result.stdout, result.stderr]
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: world.database + suffix) {
                haystacks.append(String(decoding: data, as: UTF8.self))
            }
        }
        for secret in [aliceNew, ciAdmin, agentsAdmin] + Array(old.values) {
            #expect(haystacks.allSatisfy { !$0.contains(secret) }, "a secret leaked")
        }
    }

    @Test("a later sink that fails puts the old token's value back into the credential (SPEC 8.6 rollback)")
    func credentialRolledBack() async throws {
        let scenario = try await RotationScenario.make(
            auth: .apiToken,
            deliver: """
                    - file: { path: "{sinks}/{controller}/{user}/{name}.token" }
                    - jenkins_credential: { controller: ci, id: "alice-token", kind: secret_text }
                    - command: ["/bin/false"]
                """,
            credentials: [
                SimulatedCredential(id: "alice-token", kind: .secretText, descriptionText: "x", secret: "placeholder")
            ])
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let summary = try #require(try decodeJSON(result.stdout) as? [String: Any])
        let outcome = (summary["results"] as? [[String: Any]])?.first?["outcome"] as? String
        #expect(outcome == "failed", "\(result.stdout)")
        // The credential got the new value, then the old token's value back; the file kept the old value.
        let stored = await scenario.simulator.credentials().first { $0.id == "alice-token" }
        #expect(stored?.secretSHA256 == Self.digest(alice.value))
        #expect(scenario.sinkValue(alice) == alice.value)
        #expect(await scenario.jenkinsTokens(of: "alice").map(\.uuid) == [alice.uuid])
    }
}
