import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("Test-only inspection under /_sim/")
struct InspectionTests {
    @Test("state lists users and token metadata, never values or passwords")
    func state() async throws {
        try await Harness.with { (sim: Harness) async throws in
            _ = try await sim.send(.GET, "whoAmI/api/json", as: Harness.alice)
            let reply = try await sim.send(.GET, "_sim/state")
            #expect(reply.status == 200)
            let users = try #require(reply.json["users"] as? [[String: Any]])
            let alice = try #require(users.first { $0["id"] as? String == "alice" })
            let token = try #require((alice["tokens"] as? [[String: Any]])?.first)
            #expect(token["uuid"] as? String == Harness.aliceTokenUUID)
            #expect(token["useCounter"] as? Int == 1)
            #expect(token["lastUseDate"] != nil)
            #expect(!reply.body.contains(Harness.aliceToken))
            #expect(!reply.body.contains(Harness.alicePassword))
        }
    }

    @Test("request counts and log, reset, and session expiry over HTTP")
    func requestsAndSessions() async throws {
        try await Harness.with { (sim: Harness) async throws in
            _ = try await sim.send(.GET, "whoAmI/api/json", as: Harness.alice)
            _ = try await sim.send(.GET, "whoAmI/api/json", as: Credentials(user: "alice", secret: "bad"))
            #expect(await sim.simulator.requestCount(.whoami) == 2)
            let reply = try await sim.send(.GET, "_sim/requests")
            #expect((reply.json["counts"] as? [String: Int])?["whoami"] == 2)
            let log = try #require(reply.json["log"] as? [[String: Any]])
            #expect(log.map { $0["auth"] as? String } == ["token", "invalid"])
            #expect(log.map { $0["status"] as? Int } == [200, 401])
            _ = try await sim.send(.POST, "_sim/requests/reset")
            #expect(await sim.simulator.requestCount(.whoami) == 0)
            #expect(await sim.simulator.requestLog().isEmpty)

            let jar = CookieJar()
            let crumb = try await CrumbTests.crumb(sim, jar: jar)
            _ = try await sim.send(.POST, "_sim/sessions/expire")
            let post = try await sim.send(
                .POST, "me/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken",
                as: Harness.alicePasswordLogin, headers: [("Jenkins-Crumb", crumb)], jar: jar)
            #expect(post.status == 403)
            #expect(try await sim.send(.GET, "_sim/nothing").status == 404)
        }
    }
}
