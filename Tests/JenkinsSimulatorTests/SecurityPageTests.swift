import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("The token list on the security page")
struct SecurityPageTests {
    static func users() -> [SimulatedUser] {
        var users = Harness.defaultUsers()
        users[0].tokens += [
            SimulatedToken(
                name: "Zeta <&>", uuid: "11111111-1111-4111-8111-111111111111",
                value: "11" + String(repeating: "e", count: 32)),
            SimulatedToken(
                name: "alpha", uuid: "22222222-2222-4222-8222-222222222222",
                value: "11" + String(repeating: "f", count: 32)),
        ]
        return users
    }

    @Test("2.505+ renders token cards sorted by lower-cased name, with escaped names and revoke buttons")
    func cards() async throws {
        try await Harness.with(Harness.configuration { $0.users = Self.users() }) { (sim: Harness) async throws in
            let reply = try await sim.send(.GET, "user/alice/security/", as: Harness.alice)
            #expect(reply.status == 200)
            #expect(reply.header("X-Jenkins") == "2.555.1")
            let names = reply.body.matches(of: /<span class="token-name">([^<]*)<\/span>/).map { String($0.1) }
            // The hidden row template comes first, with an empty name and no id, as config.jelly renders it.
            #expect(names == ["", "alpha", "ci", "Zeta &lt;&amp;&gt;"])
            #expect(reply.body.contains(#"<div class="token-card" id="\#(Harness.aliceTokenUUID)">"#))
            #expect(reply.body.contains(#"data-token-uuid="\#(Harness.aliceTokenUUID)""#))
            #expect(
                reply.body.contains(
                    "data-target-url=\"/user/alice/descriptorByName/jenkins.security.ApiTokenProperty/revoke\""))
            #expect(!reply.body.contains(Harness.aliceToken))
        }
    }

    @Test("2.492.3 renders the old rows, plus the hidden empty template row")
    func oldRows() async throws {
        try await Harness.with(
            Harness.configuration {
                $0.users = Self.users()
                $0.jenkinsVersion = "2.492.3"
            }
        ) { (sim: Harness) async throws in
            let reply = try await sim.send(.GET, "user/alice/security/", as: Harness.admin)
            #expect(reply.status == 200)
            let uuids = reply.body.matches(of: /name="tokenUuid" value="([^"]*)"/).map { String($0.1) }
            #expect(
                uuids == [
                    "22222222-2222-4222-8222-222222222222", Harness.aliceTokenUUID,
                    "11111111-1111-4111-8111-111111111111", "",
                ])
            #expect(reply.body.contains(#"<input name="tokenName" value="Zeta &lt;&amp;&gt;""#))
            #expect(reply.body.contains("token-list-existing-item"))
        }
    }

    @Test("before 2.468 the tokens live on /configure and /security is 404")
    func configurePage() async throws {
        try await Harness.with(Harness.configuration { $0.jenkinsVersion = "2.462.3" }) { (sim: Harness) async throws in
            #expect(try await sim.send(.GET, "user/alice/security/", as: Harness.alice).status == 404)
            let reply = try await sim.send(.GET, "user/alice/configure", as: Harness.alice)
            #expect(reply.status == 200)
            #expect(reply.body.contains(Harness.aliceTokenUUID))
        }
    }

    @Test("only the owner and admins may open it")
    func permissions() async throws {
        try await Harness.with { (sim: Harness) async throws in
            let bob = try await sim.send(.GET, "user/alice/security/", as: Harness.bob)
            #expect(bob.status == 403)
            #expect(bob.header("X-Required-Permission") == "hudson.model.Hudson.Administer")
            #expect(try await sim.send(.GET, "user/alice/security/", as: Harness.admin).status == 200)
            #expect(try await sim.send(.GET, "me/security/", as: Harness.alice).status == 200)
            #expect(try await sim.send(.GET, "user/alice/security/").status == 403)
        }
    }
}
