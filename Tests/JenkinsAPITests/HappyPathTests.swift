import JenkinsSimulator
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("Happy paths against a live simulator")
struct HappyPathTests {
    @Test("token auth: whoAmI, generate for self, verify the new token, revoke, old token keeps working")
    func tokenAuthRotation() async throws {
        try await Harness.run { jenkins in
            #expect(try await jenkins.client.whoAmI(Seed.alice) == "alice")
            let minted = try await jenkins.client.generateToken(
                forUser: "alice", name: "rotated-ci", expirationDays: nil, as: Seed.alice)
            #expect(minted.name == "rotated-ci")
            #expect(JenkinsClient.isWellFormedTokenValue(minted.value.reveal()))
            let fresh = JenkinsCredential(user: "alice", secret: minted.value, kind: .apiToken)
            #expect(try await jenkins.client.whoAmI(fresh) == "alice")
            #expect(await jenkins.simulator.tokens(of: "alice").contains { $0.uuid == minted.uuid })

            try await jenkins.client.revokeToken(user: "alice", uuid: minted.uuid, as: Seed.alice)
            #expect(await !jenkins.simulator.tokens(of: "alice").contains { $0.uuid == minted.uuid })
            let error = await expectJenkinsError { _ = try await jenkins.client.whoAmI(fresh) }
            #expect(error?.isUnauthorized == true)
            // Token-authenticated calls never fetch a crumb.
            #expect(await jenkins.simulator.requestCount(.crumb) == 0)
            jenkins.expectNoSecretLeaked(extra: [minted.value.reveal()])
        }
    }

    @Test("password auth: one crumb and session serve every POST, tokens minted and revoked")
    func passwordAuthWithCrumb() async throws {
        try await Harness.run { jenkins in
            let credential = Seed.alicePasswordCredential
            let first = try await jenkins.client.generateToken(
                forUser: "alice", name: "one", expirationDays: nil, as: credential)
            let second = try await jenkins.client.generateToken(
                forUser: "alice", name: "two", expirationDays: nil, as: credential)
            try await jenkins.client.revokeToken(user: "alice", uuid: first.uuid, as: credential)
            try await jenkins.client.revokeToken(user: "alice", uuid: second.uuid, as: credential)
            #expect(await jenkins.simulator.requestCount(.crumb) == 1)
            let names = await jenkins.simulator.tokens(of: "alice").map(\.name)
            #expect(!names.contains("one") && !names.contains("two"))
            let passwordPosts = await jenkins.simulator.requestLog().filter { $0.method == "POST" }
            #expect(passwordPosts.count == 4)
            #expect(passwordPosts.allSatisfy { $0.auth == .password && $0.status == 200 })
            jenkins.expectNoSecretLeaked(extra: [first.value.reveal(), second.value.reveal()])
        }
    }

    @Test("password auth with CSRF protection off: the crumb issuer's 404 means no crumb is sent")
    func csrfOff() async throws {
        try await Harness.run(Harness.configuration(csrf: false)) { jenkins in
            let minted = try await jenkins.client.generateToken(
                forUser: "alice", name: "no-csrf", expirationDays: nil, as: Seed.alicePasswordCredential)
            try await jenkins.client.revokeToken(user: "alice", uuid: minted.uuid, as: Seed.alicePasswordCredential)
            #expect(await jenkins.simulator.requestCount(.crumb) == 1)
            let check = await jenkins.client.check(as: Seed.alicePasswordCredential)
            #expect(check.crumb == .csrfDisabled)
            #expect(check.isHealthy)
        }
    }

    @Test("an admin mints for another user when Jenkins allows it, and revokes without any property")
    func adminModeWithProperty() async throws {
        try await Harness.run { jenkins in
            await jenkins.simulator.setAdminCanGenerate(true)
            let minted = try await jenkins.client.generateToken(
                forUser: "alice", name: "by-admin", expirationDays: 30, as: Seed.admin)
            #expect(await jenkins.simulator.tokens(of: "alice").first { $0.uuid == minted.uuid }?.expires != nil)
            try await jenkins.client.revokeToken(user: "alice", uuid: minted.uuid, as: Seed.adminPasswordCredential)
            #expect(await !jenkins.simulator.tokens(of: "alice").contains { $0.uuid == minted.uuid })
            jenkins.expectNoSecretLeaked(extra: [minted.value.reveal()])
        }
    }

    @Test(
        "check reports reachability, identity, crumb field and version",
        arguments: [
            ("2.479.3", false), ("2.555.1", true),
        ])
    func check(version: String, nativeExpiry: Bool) async throws {
        try await Harness.run(Harness.configuration(version: version)) { jenkins in
            let byToken = await jenkins.client.check(as: Seed.alice)
            #expect(byToken.isHealthy)
            #expect(byToken.reachable)
            #expect(byToken.authenticatedAs == "alice")
            #expect(byToken.crumb == .fetched(field: "Jenkins-Crumb"))
            #expect(byToken.version == JenkinsVersion(version))
            #expect(byToken.supportsNativeExpiry == nativeExpiry)
            let byPassword = await jenkins.client.check(as: Seed.adminPasswordCredential)
            #expect(byPassword.authenticatedAs == "rotation-admin")
            #expect(byPassword.crumb == .fetched(field: "Jenkins-Crumb"))
            let anonymousVersion = try await jenkins.client.version(as: nil)
            #expect(anonymousVersion == JenkinsVersion(version))
        }
    }

    @Test("user ids are percent-encoded in paths")
    func encodedUserIDs() async throws {
        let users =
            Seed.users + [
                SimulatedUser(
                    id: "svc deploy@corp", password: "pw-\(Seed.bobPassword)",
                    tokens: [SimulatedToken(name: "seed", value: "11" + String(repeating: "7e", count: 16))])
            ]
        try await Harness.run(Harness.configuration(users: users)) { jenkins in
            let credential = JenkinsCredential(
                user: "svc deploy@corp", secret: Secret("11" + String(repeating: "7e", count: 16)), kind: .apiToken)
            let minted = try await jenkins.client.generateToken(
                forUser: "svc deploy@corp", name: "x", expirationDays: nil, as: credential)
            #expect(
                try await jenkins.client.listTokens(user: "svc deploy@corp", as: credential).contains {
                    $0.uuid == minted.uuid
                })
        }
    }
}
