import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("Basic authentication and the filter order")
struct AuthenticationTests {
    @Test("a bad token gets 401 with WWW-Authenticate and a container page, even on a POST without a crumb")
    func badTokenIs401() async throws {
        try await Harness.with { sim in
            let wrong = Credentials(user: "alice", secret: "11" + String(repeating: "0", count: 32))
            let reply = try await sim.send(.POST, "user/nobody/\(sim.tokenMethods)/generateNewToken", as: wrong)
            #expect(reply.status == 401)
            #expect(reply.header("WWW-Authenticate") == "Basic realm=\"Jenkins\"")
            #expect(reply.body.contains("HTTP ERROR 401 Unauthorized"))
            #expect(reply.header("X-Jenkins") == nil)
        }
    }

    @Test("unknown users, malformed headers and wrong passwords are all 401")
    func otherBadCredentials() async throws {
        try await Harness.with { sim in
            let unknown = try await sim.send(.GET, "whoAmI/api/json", as: Credentials(user: "ghost", secret: "x"))
            #expect(unknown.status == 401)
            let malformed = try await sim.send(
                .GET, "whoAmI/api/json",
                headers: [("Authorization", "Basic " + Data("nocolon".utf8).base64EncodedString())])
            #expect(malformed.status == 401)
            let wrongPassword = try await sim.send(
                .GET, "whoAmI/api/json", as: Credentials(user: "alice", secret: "nope"))
            #expect(wrongPassword.status == 401)
        }
    }

    @Test("tokens match case-sensitively, ids case-insensitively, and a 34-char token ignores its prefix")
    func tokenMatching() async throws {
        try await Harness.with { sim in
            let upper = Credentials(user: "alice", secret: Harness.aliceToken.uppercased())
            #expect(try await sim.send(.GET, "whoAmI/api/json", as: upper).status == 401)
            let shouting = Credentials(user: "ALICE", secret: Harness.aliceToken)
            let reply = try await sim.send(.GET, "whoAmI/api/json", as: shouting)
            #expect(reply.status == 200)
            #expect(reply.json["name"] as? String == "alice")
            let otherPrefix = Credentials(user: "alice", secret: "99" + Harness.aliceToken.dropFirst(2))
            #expect(try await sim.send(.GET, "whoAmI/api/json", as: otherPrefix).status == 200)
        }
    }

    @Test("each successful token authentication counts a use")
    func useCounter() async throws {
        try await Harness.with { sim in
            for _ in 0..<3 { try await sim.send(.GET, "whoAmI/api/json", as: Harness.alice) }
            let token = try #require(await sim.simulator.tokens(of: "alice").first)
            #expect(token.useCounter == 3)
            #expect(token.lastUseDate != nil)
        }
    }

    @Test("whoAmI answers anonymous callers without Overall/Read")
    func whoAmIAnonymous() async throws {
        try await Harness.with { sim in
            let reply = try await sim.send(.GET, "whoAmI/api/json")
            #expect(reply.status == 200)
            #expect(reply.json["name"] as? String == "anonymous")
            #expect(reply.json["anonymous"] as? Bool == true)
            #expect(reply.header("X-Jenkins") == "2.555.1")
            #expect(reply.header("X-Content-Type-Options") == "nosniff")
            #expect(reply.header("X-Jenkins-Session")?.count == 8)
            let reader = try await sim.send(
                .GET, "whoAmI/api/json", as: Credentials(user: "reader-less", secret: "nope-pass"))
            #expect(reader.status == 200)
            #expect(reader.json["anonymous"] as? Bool == false)
        }
    }

    @Test("anonymous callers on protected pages get the 403 login redirect with X-Jenkins headers")
    func anonymousLoginRedirect() async throws {
        try await Harness.with { sim in
            let reply = try await sim.send(.GET, "me/api/json?tree=id")
            #expect(reply.status == 403)
            #expect(reply.header("Location") == nil)
            #expect(reply.body.contains("content='1;url=/login?from=%2Fme%2Fapi%2Fjson%3Ftree%3Did'"))
            #expect(reply.body.contains("Authentication required"))
            #expect(reply.header("X-Jenkins") == "2.555.1")
            #expect(reply.header("X-Hudson") == "1.395")
            let ajax = try await sim.send(.GET, "me/api/json", headers: [("X-Requested-With", "XMLHttpRequest")])
            #expect(ajax.status == 403)
            #expect(!ajax.body.contains("Authentication required"))
        }
    }

    @Test("a user without Overall/Read gets Access Denied with the permission headers")
    func missingRead() async throws {
        try await Harness.with { sim in
            let reader = Credentials(user: "reader-less", secret: "nope-pass")
            let reply = try await sim.send(.GET, "me/api/json", as: reader)
            #expect(reply.status == 403)
            #expect(reply.header("X-Required-Permission") == "hudson.model.Hudson.Read")
            #expect(
                reply.headers["X-Permission-Implied-By"] == [
                    "hudson.security.Permission.GenericRead", "hudson.model.Hudson.Administer",
                ])
            #expect(reply.header("X-You-Are-Authenticated-As") == "reader-less")
            #expect(reply.body.contains("reader-less is missing the Overall/Read permission"))
            let crumb = try await sim.send(.GET, "crumbIssuer/api/json", as: reader)
            #expect(crumb.status == 403)
        }
    }

    @Test("HEAD / and the root api carry X-Jenkins")
    func rootHeaders() async throws {
        try await Harness.with(Harness.configuration { $0.jenkinsVersion = "2.492.3" }) { sim in
            let head = try await sim.send(.HEAD, "", as: Harness.alice)
            #expect(head.status == 200)
            #expect(head.header("X-Jenkins") == "2.492.3")
            let api = try await sim.send(.GET, "api/json?tree=_class", as: Harness.alice)
            #expect(api.status == 200)
            #expect(api.body == #"{"_class":"hudson.model.Hudson"}"#)
            #expect(api.header("Content-Type") == "application/json;charset=utf-8")
            let anonymousHead = try await sim.send(.HEAD, "")
            #expect(anonymousHead.status == 403)
            #expect(anonymousHead.header("X-Jenkins") == "2.492.3")
        }
    }
}
