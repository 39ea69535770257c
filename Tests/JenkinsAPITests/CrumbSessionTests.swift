import JenkinsSimulator
import RotatorCore
import RotatorTestSupport
import Testing

@testable import JenkinsAPI

@Suite("CSRF crumbs and the session cookie")
struct CrumbSessionTests {
    @Test("a client that drops the session cookie is rejected twice and stops with crumbRejected")
    func cookieIsNeeded() async throws {
        try await Harness.run { jenkins in
            let forgetful = jenkins.makeClient(dropsSessionCookies: true)
            let error = await expectJenkinsError {
                _ = try await forgetful.generateToken(
                    forUser: "alice", name: "x", expirationDays: nil, as: Seed.alicePasswordCredential)
            }
            guard case .crumbRejected(_, let tokenAuth) = error else {
                Issue.record("expected crumbRejected, got \(String(describing: error))")
                return
            }
            #expect(!tokenAuth)
            #expect(error?.stopsController == true)
            #expect(error?.responseMayBeLost == false)
            // One crumb, one rejection, a fresh crumb, a second rejection: nothing was minted.
            #expect(await jenkins.simulator.requestCount(.crumb) == 2)
            #expect(await jenkins.simulator.requestCount(.generate) == 2)
            #expect(await jenkins.simulator.tokens(of: "alice").count == 2)
        }
    }

    @Test("after the session expires, the rejected crumb is fetched again and the POST resent once")
    func refreshAfterExpiry() async throws {
        try await Harness.run { jenkins in
            let credential = Seed.alicePasswordCredential
            let first = try await jenkins.client.generateToken(
                forUser: "alice", name: "before", expirationDays: nil, as: credential)
            await jenkins.simulator.expireSessions()
            let second = try await jenkins.client.generateToken(
                forUser: "alice", name: "after", expirationDays: nil, as: credential)
            #expect(first.uuid != second.uuid)
            #expect(await jenkins.simulator.requestCount(.crumb) == 2)
            let generates = await jenkins.simulator.requestLog().filter { $0.endpoint == .generate }.map(\.status)
            #expect(generates == [200, 403, 200])
            let names = await jenkins.simulator.tokens(of: "alice").map(\.name)
            #expect(names.filter { $0 == "after" }.count == 1)
            #expect(jenkins.logs.all.contains { $0.contains("CSRF crumb rejected") })
            jenkins.expectNoSecretLeaked(extra: [first.value.reveal(), second.value.reveal()])
        }
    }

    @Test("each password user gets its own session and crumb")
    func sessionPerUser() async throws {
        try await Harness.run { jenkins in
            await jenkins.simulator.setAdminCanGenerate(true)
            _ = try await jenkins.client.generateToken(
                forUser: "alice", name: "a", expirationDays: nil, as: Seed.alicePasswordCredential)
            _ = try await jenkins.client.generateToken(
                forUser: "alice", name: "b", expirationDays: nil, as: Seed.adminPasswordCredential)
            _ = try await jenkins.client.generateToken(
                forUser: "alice", name: "c", expirationDays: nil, as: Seed.alicePasswordCredential)
            #expect(await jenkins.simulator.requestCount(.crumb) == 2)
            let statuses = await jenkins.simulator.requestLog().filter { $0.endpoint == .generate }.map(\.status)
            #expect(statuses == [200, 200, 200])
        }
    }

    @Test("concurrent password POSTs share a single crumb fetch")
    func singleFlightCrumb() async throws {
        try await Harness.run { jenkins in
            let credential = Seed.alicePasswordCredential
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        _ = try await jenkins.client.generateToken(
                            forUser: "alice", name: "p\(index)", expirationDays: nil, as: credential)
                    }
                }
                try await group.waitForAll()
            }
            #expect(await jenkins.simulator.requestCount(.crumb) == 1)
        }
    }

    @Test("a password declared as an API token gets a clear crumbRejected, without a retry")
    func passwordDeclaredAsToken() async throws {
        try await Harness.run { jenkins in
            let mislabelled = JenkinsCredential(user: "alice", secret: Secret(Seed.alicePassword), kind: .apiToken)
            let error = await expectJenkinsError {
                try await jenkins.client.revokeToken(user: "alice", uuid: Seed.aliceTokenUUID, as: mislabelled)
            }
            guard case .crumbRejected(_, let tokenAuth) = error else {
                Issue.record("expected crumbRejected, got \(String(describing: error))")
                return
            }
            #expect(tokenAuth)
            #expect(error?.description.contains("password_env") == true)
            #expect(await jenkins.simulator.requestCount(.revoke) == 1)
        }
    }
}
