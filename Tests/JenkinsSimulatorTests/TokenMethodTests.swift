import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("Token web methods: generate, revoke, rename, revokeAll, addFixedToken")
struct TokenMethodTests {
    static func path(_ user: String?, _ method: String, short: Bool = false) -> String {
        let descriptor = short ? "ApiTokenProperty" : "jenkins.security.ApiTokenProperty"
        return (user.map { "user/\($0)" } ?? "me") + "/descriptorByName/\(descriptor)/\(method)"
    }

    @Test("generate on 2.492.3 answers exactly status/data{tokenName,tokenUuid,tokenValue}")
    func generateOldShape() async throws {
        try await Harness.with(Harness.configuration { $0.jenkinsVersion = "2.492.3" }) { sim in
            let reply = try await sim.send(
                .POST, Self.path("alice", "generateNewToken"), as: Harness.alice,
                form: [("newTokenName", "ci rotation")])
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/json; charset=UTF-8")
            #expect(reply.header("X-Jenkins") == nil)
            let pattern =
                /\{"status":"ok","data":\{"tokenName":"ci rotation","tokenUuid":"([0-9a-f-]{36})","tokenValue":"(11[0-9a-f]{32})"\}\}/
            let match = try #require(reply.body.wholeMatch(of: pattern))
            let uuid = String(match.1)
            #expect(UUID(uuidString: uuid) != nil)
            #expect(uuid[uuid.index(uuid.startIndex, offsetBy: 14)] == "4")
            // The new value authenticates; its uuid is listed; the value is never shown again.
            let value = String(match.2)
            #expect(
                try await sim.send(.GET, "whoAmI/api/json", as: Credentials(user: "alice", secret: value)).status == 200
            )
            let tokens = await sim.simulator.tokens(of: "alice")
            #expect(tokens.contains { $0.uuid == uuid && $0.name == "ci rotation" })
            let state = try await sim.send(.GET, "_sim/state")
            #expect(!state.body.contains(value))
        }
    }

    @Test("generate on 2.555.1 adds aboutToExpire and expirationDate in Jenkins' key order")
    func generateNewShape() async throws {
        try await Harness.with { sim in
            let never = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: Harness.alice, form: [("newTokenName", "x")])
            #expect(
                never.body.wholeMatch(
                    of:
                        /\{"status":"ok","data":\{"aboutToExpire":false,"tokenName":"x","tokenUuid":"[0-9a-f-]{36}","tokenValue":"11[0-9a-f]{32}","expirationDate":"never"\}\}/
                ) != nil)
            let soon = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: Harness.alice,
                form: [("newTokenName", "soon"), ("expirationDuration", " 3 ")])
            #expect(soon.json["status"] as? String == "ok")
            let data = try #require(soon.json["data"] as? [String: Any])
            #expect(data["aboutToExpire"] as? Bool == true)
            #expect((data["expirationDate"] as? String)?.wholeMatch(of: /\d{1,2}\/\d{1,2}\/\d{2}/) != nil)
            let stored = await sim.simulator.tokens(of: "alice").first { $0.name == "soon" }
            #expect(stored?.expires != nil)
            let far = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: Harness.alice,
                form: [("expirationDuration", "custom"), ("tokenExpiration", "2999-01-31")])
            #expect((far.json["data"] as? [String: Any])?["expirationDate"] as? String == "1/31/99")
            #expect((far.json["data"] as? [String: Any])?["aboutToExpire"] as? Bool == false)
        }
    }

    @Test("expiry errors: past dates answer a 200 error JSON, garbage answers 500")
    func expiryErrors() async throws {
        try await Harness.with { sim in
            let past = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: Harness.alice,
                form: [("expirationDuration", "custom"), ("tokenExpiration", "2001-01-01")])
            #expect(past.status == 200)
            #expect(past.body == #"{"status":"error","message":"Expiration date is in the past."}"#)
            let negative = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: Harness.alice, form: [("expirationDuration", "-2")])
            #expect(negative.json["status"] as? String == "error")
            for garbage in [
                [("expirationDuration", "soon")], [("expirationDuration", "custom")],
                [("expirationDuration", "custom"), ("tokenExpiration", "2030-02-30")],
            ] {
                let reply = try await sim.send(
                    .POST, Self.path(nil, "generateNewToken"), as: Harness.alice, form: garbage)
                #expect(reply.status == 500)
            }
            #expect(await sim.simulator.tokens(of: "alice").count == 1)
        }
    }

    @Test("expired tokens are rejected with 401; older versions ignore expiry")
    func expiredTokens() async throws {
        let users = [
            SimulatedUser(
                id: "carol",
                tokens: [
                    SimulatedToken(name: "old", value: "11" + String(repeating: "c", count: 32), expires: "2020-01-01")
                ])
        ]
        let carol = Credentials(user: "carol", secret: "11" + String(repeating: "c", count: 32))
        try await Harness.with(Harness.configuration { $0.users = users }) { sim in
            let reply = try await sim.send(.GET, "whoAmI/api/json", as: carol)
            #expect(reply.status == 401)
        }
        try await Harness.with(
            Harness.configuration {
                $0.users = users
                $0.jenkinsVersion = "2.547"
            }
        ) { sim in
            #expect(try await sim.send(.GET, "whoAmI/api/json", as: carol).status == 200)
            let reply = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: carol,
                form: [("expirationDuration", "garbage")])
            #expect(reply.status == 200)
            #expect(!reply.body.contains("expirationDate"))
        }
    }

    @Test("a blank name gets the default 'Token created on <ISO offset datetime>'; duplicates are allowed")
    func defaultNameAndDuplicates() async throws {
        try await Harness.with { sim in
            let blank = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: Harness.alice, form: [("newTokenName", "   ")])
            let name = try #require((blank.json["data"] as? [String: Any])?["tokenName"] as? String)
            #expect(
                name.wholeMatch(
                    of: /Token created on \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/) != nil)
            let missing = try await sim.send(.POST, Self.path(nil, "generateNewToken"), as: Harness.alice)
            #expect(
                ((missing.json["data"] as? [String: Any])?["tokenName"] as? String)?.hasPrefix("Token created on")
                    == true)
            for _ in 0..<2 {
                let reply = try await sim.send(
                    .POST, Self.path(nil, "generateNewToken"), as: Harness.alice, form: [("newTokenName", " same ")])
                #expect((reply.json["data"] as? [String: Any])?["tokenName"] as? String == " same ")
            }
            #expect(await sim.simulator.tokens(of: "alice").filter { $0.name == " same " }.count == 2)
        }
    }

    @Test("parameters come from the query string or an urlencoded body; a JSON body is ignored")
    func parameterSources() async throws {
        try await Harness.with { sim in
            let query = try await sim.send(
                .POST, Self.path(nil, "generateNewToken") + "/?newTokenName=from%20query", as: Harness.alice)
            #expect((query.json["data"] as? [String: Any])?["tokenName"] as? String == "from query")
            let json = try await sim.send(
                .POST, Self.path(nil, "generateNewToken"), as: Harness.alice,
                headers: [("Content-Type", "application/json")],
                rawBody: #"{"newTokenName":"from json"}"#)
            #expect(
                ((json.json["data"] as? [String: Any])?["tokenName"] as? String)?.hasPrefix("Token created on") == true)
            let short = try await sim.send(
                .POST, Self.path(nil, "generateNewToken", short: true), as: Harness.alice, form: [("newTokenName", "s")]
            )
            #expect(short.status == 200)
        }
    }

    @Test("generating for another user: empty 403, unless admin-can-generate and the caller is admin")
    func generateForOthers() async throws {
        try await Harness.with { sim in
            let admin = try await sim.send(.POST, Self.path("alice", "generateNewToken"), as: Harness.admin)
            #expect(admin.status == 403)
            #expect(admin.body.isEmpty)
            #expect(admin.header("X-Required-Permission") == nil)
        }
        try await Harness.with(Harness.configuration { $0.adminCanGenerate = true }) { sim in
            let admin = try await sim.send(
                .POST, Self.path("Alice", "generateNewToken"), as: Harness.admin, form: [("newTokenName", "by-admin")])
            #expect(admin.status == 200)
            #expect(await sim.simulator.tokens(of: "alice").contains { $0.name == "by-admin" })
            let bob = try await sim.send(
                .POST, Self.path("alice", "generateNewToken"), as: Harness.bob,
                headers: [], jar: nil)
            #expect(bob.status == 403)  // password POST without crumb
        }
    }

    @Test("revoke: 200 empty for known and unknown uuids, scoped to the URL's user, idempotent")
    func revokeSemantics() async throws {
        try await Harness.with { sim in
            let unknown = try await sim.send(
                .POST, Self.path("alice", "revoke"), as: Harness.alice, form: [("tokenUuid", UUID().uuidString)])
            #expect(unknown.status == 200)
            #expect(unknown.body.isEmpty)
            #expect(unknown.header("Content-Type") == nil)
            // Alice's uuid under the admin's URL changes nothing.
            let scoped = try await sim.send(
                .POST, Self.path("admin", "revoke"), as: Harness.admin, form: [("tokenUuid", Harness.aliceTokenUUID)])
            #expect(scoped.status == 200)
            #expect(await sim.simulator.tokens(of: "alice").count == 1)
            let known = try await sim.send(
                .POST, Self.path(nil, "revoke"), as: Harness.alice, form: [("tokenUuid", Harness.aliceTokenUUID)])
            #expect(known.status == 200)
            #expect(await sim.simulator.tokens(of: "alice").isEmpty)
            #expect(try await sim.send(.GET, "whoAmI/api/json", as: Harness.alice).status == 401)
        }
    }

    @Test("revoke permissions: admins may, others get the HTML 403 with the Administer headers; blank uuid is 400")
    func revokePermissions() async throws {
        try await Harness.with { sim in
            let bob = Harness.bobWithToken
            let denied = try await sim.send(
                .POST, Self.path("alice", "revoke"), as: bob, form: [("tokenUuid", Harness.aliceTokenUUID)])
            #expect(denied.status == 403)
            #expect(denied.header("X-You-Are-Authenticated-As") == "bob")
            #expect(denied.header("X-Required-Permission") == "hudson.model.Hudson.Administer")
            #expect(denied.body.contains("bob is missing the Overall/Administer permission"))
            let blank = try await sim.send(
                .POST, Self.path("alice", "revoke"), as: Harness.admin, form: [("tokenUuid", " ")])
            #expect(blank.status == 400)
            #expect(blank.body.contains("The tokenUuid cannot be empty"))
            let admin = try await sim.send(
                .POST, Self.path("alice", "revoke"), as: Harness.admin, form: [("tokenUuid", Harness.aliceTokenUUID)])
            #expect(admin.status == 200)
            #expect(await sim.simulator.tokens(of: "alice").isEmpty)
        }
    }

    @Test("GET on a token method is 405 with Allow: POST; unknown users and methods are 404")
    func methodAndNotFound() async throws {
        try await Harness.with { sim in
            for method in ["generateNewToken", "revoke", "revokeAll", "revokeAllExcept", "rename", "addFixedToken"] {
                let reply = try await sim.send(.GET, Self.path("alice", method), as: Harness.alice)
                #expect(reply.status == 405)
                #expect(reply.header("Allow") == "POST")
            }
            #expect(try await sim.send(.POST, Self.path("ghost", "revoke"), as: Harness.alice).status == 404)
            #expect(try await sim.send(.GET, "user/ghost/api/json", as: Harness.alice).status == 404)
            #expect(try await sim.send(.POST, Self.path("alice", "explode"), as: Harness.alice).status == 404)
        }
    }

    @Test("rename answers JSON on 2.505+ and the older shapes before")
    func rename() async throws {
        try await Harness.with { sim in
            let ok = try await sim.send(
                .POST, Self.path(nil, "rename"), as: Harness.alice,
                form: [("tokenUuid", Harness.aliceTokenUUID), ("newName", "renamed")])
            #expect(ok.body == #"{"status":"ok"}"#)
            #expect(await sim.simulator.tokens(of: "alice").first?.name == "renamed")
            let blankName = try await sim.send(
                .POST, Self.path(nil, "rename"), as: Harness.alice, form: [("tokenUuid", Harness.aliceTokenUUID)])
            #expect(blankName.body == #"{"status":"error","message":"The name cannot be empty"}"#)
            let blankUUID = try await sim.send(
                .POST, Self.path(nil, "rename"), as: Harness.alice, form: [("newName", "n")])
            #expect(blankUUID.body == #"{"status":"error","message":"The tokenUuid cannot be empty"}"#)
            let unknown = try await sim.send(
                .POST, Self.path(nil, "rename"), as: Harness.alice, form: [("tokenUuid", "nope"), ("newName", "n")])
            #expect(unknown.body == #"{"status":"error","message":"No token found, try refreshing the page"}"#)
        }
        try await Harness.with(Harness.configuration { $0.jenkinsVersion = "2.492.3" }) { sim in
            let ok = try await sim.send(
                .POST, Self.path(nil, "rename"), as: Harness.alice,
                form: [("tokenUuid", Harness.aliceTokenUUID), ("newName", "renamed")])
            #expect(ok.status == 200 && ok.body.isEmpty)
            let blankUUID = try await sim.send(
                .POST, Self.path(nil, "rename"), as: Harness.alice, form: [("newName", "n")])
            #expect(blankUUID.status == 400)
        }
    }

    @Test("revokeAll, revokeAllExcept and addFixedToken")
    func bulkAndFixed() async throws {
        try await Harness.with { sim in
            let fixedValue = "11" + String(repeating: "D", count: 32)
            let fixed = try await sim.send(
                .POST, Self.path(nil, "addFixedToken"), as: Harness.alice,
                form: [("newTokenName", "seeded"), ("newTokenPlainValue", fixedValue)])
            #expect(
                fixed.body.wholeMatch(
                    of: /\{"status":"ok","data":\{"tokenName":"seeded","tokenUuid":"[0-9a-f-]{36}"\}\}/) != nil)
            #expect(
                try await sim.send(
                    .GET, "whoAmI/api/json", as: Credentials(user: "alice", secret: fixedValue.lowercased())
                ).status == 200)
            let malformed = try await sim.send(
                .POST, Self.path(nil, "addFixedToken"), as: Harness.alice, form: [("newTokenPlainValue", "12345")])
            #expect(malformed.status == 500)
            let keepUUID = try #require(await sim.simulator.tokens(of: "alice").first { $0.name == "seeded" }?.uuid)
            let blank = try await sim.send(.POST, Self.path(nil, "revokeAllExcept"), as: Harness.alice)
            #expect(blank.status == 400)
            let except = try await sim.send(
                .POST, Self.path(nil, "revokeAllExcept"), as: Harness.alice, form: [("tokenUuid", keepUUID)])
            #expect(except.status == 200 && except.body.isEmpty)
            #expect(await sim.simulator.tokens(of: "alice").map(\.uuid) == [keepUUID])
            let fixedCredentials = Credentials(user: "alice", secret: fixedValue.lowercased())
            let all = try await sim.send(.POST, Self.path(nil, "revokeAll"), as: fixedCredentials)
            #expect(all.status == 200)
            #expect(await sim.simulator.tokens(of: "alice").isEmpty)
        }
        try await Harness.with(Harness.configuration { $0.jenkinsVersion = "2.250" }) { sim in
            let reply = try await sim.send(.POST, Self.path(nil, "revokeAll"), as: Harness.alice)
            #expect(reply.status == 404)
        }
    }

    @Test("user api lists the ApiTokenProperty to the owner and admins only, never the tokens")
    func userAPI() async throws {
        try await Harness.with { sim in
            let own = try await sim.send(.GET, "user/alice/api/json", as: Harness.alice)
            #expect(own.status == 200)
            #expect(own.json["_class"] as? String == "hudson.model.User")
            #expect(own.json["id"] as? String == "alice")
            #expect(own.body.contains(#"{"_class":"jenkins.security.ApiTokenProperty"}"#))
            #expect(!own.body.contains(Harness.aliceTokenUUID))
            #expect(own.header("X-Jenkins") == "2.555.1")
            let admin = try await sim.send(.GET, "user/alice/api/json", as: Harness.admin)
            #expect(admin.body.contains("ApiTokenProperty"))
            let other = try await sim.send(.GET, "user/alice/api/json", as: Harness.bob)
            #expect((other.json["property"] as? [Any])?.isEmpty == true)
            let me = try await sim.send(.GET, "me/api/json", as: Harness.alice)
            #expect(me.json["id"] as? String == "alice")
        }
    }
}
