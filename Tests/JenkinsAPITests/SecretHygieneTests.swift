import JenkinsSimulator
import RotatorCore
import RotatorTestSupport
import Testing

@testable import JenkinsAPI

@Suite("No secret in logs or errors")
struct SecretHygieneTests {
    @Test("passwords, tokens and minted values never appear in any trace-level log line or error message")
    func noSecretAnywhere() async throws {
        try await Harness.run { jenkins in
            var minted: [String] = []
            var descriptions: [String] = []
            await jenkins.simulator.setAdminCanGenerate(true)
            for credential in [Seed.alice, Seed.alicePasswordCredential] {
                let token = try await jenkins.client.generateToken(
                    forUser: "alice", name: "hygiene", expirationDays: 5, as: credential)
                minted.append(token.value.reveal())
                descriptions.append("\(token)")
                _ = try await jenkins.client.whoAmI(
                    JenkinsCredential(user: "alice", secret: token.value, kind: .apiToken))
                try await jenkins.client.revokeToken(user: "alice", uuid: token.uuid, as: credential)
            }
            _ = await jenkins.client.check(as: Seed.adminPasswordCredential)
            _ = try await jenkins.client.listTokens(user: "alice", as: Seed.admin)
            await jenkins.simulator.expireSessions()
            try await jenkins.simulator.addFault("generate:commit-500,count=1")
            let failures: [JenkinsClientError?] = [
                await expectJenkinsError {
                    _ = try await jenkins.client.generateToken(
                        forUser: "alice", name: "lost", expirationDays: nil, as: Seed.alicePasswordCredential)
                },
                await expectJenkinsError {
                    _ = try await jenkins.client.whoAmI(
                        JenkinsCredential(user: "alice", secret: Secret(Seed.adminToken), kind: .apiToken))
                },
                await expectJenkinsError {
                    _ = try await jenkins.client.whoAmI(
                        JenkinsCredential(user: "alice", secret: Secret(Seed.bobPassword), kind: .password))
                },
            ]
            descriptions += failures.compactMap { $0.map { "\($0)" } }
            descriptions += failures.compactMap { $0.map { String(reflecting: $0) } }
            for text in descriptions {
                for secret in Seed.secrets + minted {
                    #expect(!text.contains(secret), "a description holds a secret")
                }
            }
            #expect(jenkins.logs.all.count > 10)
            jenkins.expectNoSecretLeaked(extra: minted)
        }
    }
}
