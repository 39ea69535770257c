import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("Crumbs, sessions and the CSRF filter")
struct CrumbTests {
    /// Fetches a crumb with password auth into `jar`, returning the crumb value.
    static func crumb(_ sim: Harness, jar: CookieJar, as credentials: Credentials = Harness.alicePasswordLogin)
        async throws -> String
    {
        let reply = try await sim.send(.GET, "crumbIssuer/api/json", as: credentials, jar: jar)
        try #require(reply.status == 200)
        return try #require(reply.json["crumb"] as? String)
    }

    var generatePath: String { "me/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken" }

    @Test("the crumb issuer creates an HttpOnly JSESSIONID.<8hex> session and a 64-hex crumb")
    func issuesCrumbAndSession() async throws {
        try await Harness.with { sim in
            let jar = CookieJar()
            let reply = try await sim.send(.GET, "crumbIssuer/api/json", as: Harness.alicePasswordLogin, jar: jar)
            #expect(reply.status == 200)
            #expect(reply.json["_class"] as? String == "hudson.security.csrf.DefaultCrumbIssuer")
            #expect(reply.json["crumbRequestField"] as? String == "Jenkins-Crumb")
            let crumb = try #require(reply.json["crumb"] as? String)
            #expect(crumb.count == 64 && crumb.allSatisfy(\.isHexDigit))
            let setCookie = try #require(jar.lastSetCookie)
            #expect(setCookie.hasPrefix(sim.simulator.sessionCookieName + "="))
            #expect(setCookie.hasSuffix("; Path=/; HttpOnly"))
            #expect(sim.simulator.sessionCookieName.wholeMatch(of: /JSESSIONID\.[0-9a-f]{8}/) != nil)
            #expect(reply.header("X-Jenkins") == "2.555.1")
            // Same session, same principal: same crumb, no new cookie.
            let again = try await sim.send(.GET, "crumbIssuer/api/json", as: Harness.alicePasswordLogin, jar: jar)
            #expect(again.json["crumb"] as? String == crumb)
            #expect(again.header("Set-Cookie") == nil)
        }
    }

    @Test("xml, xpath and python forms of the crumb issuer")
    func otherFormats() async throws {
        try await Harness.with { sim in
            let jar = CookieJar()
            let crumb = try await Self.crumb(sim, jar: jar)
            let xml = try await sim.send(.GET, "crumbIssuer/api/xml", as: Harness.alicePasswordLogin, jar: jar)
            #expect(xml.body.contains("<crumb>\(crumb)</crumb>"))
            let xpath = try await sim.send(
                .GET, "crumbIssuer/api/xml?xpath=concat(//crumbRequestField,%22:%22,//crumb)",
                as: Harness.alicePasswordLogin, jar: jar)
            #expect(xpath.body == "Jenkins-Crumb:\(crumb)")
            let python = try await sim.send(.GET, "crumbIssuer/api/python", as: Harness.alicePasswordLogin, jar: jar)
            #expect(python.body.contains("\"crumb\":\"\(crumb)\""))
        }
    }

    @Test("a password POST with the crumb and its session succeeds; header or parameter both work")
    func passwordPostWithCrumb() async throws {
        try await Harness.with { sim in
            let jar = CookieJar()
            let crumb = try await Self.crumb(sim, jar: jar)
            let viaHeader = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, form: [("newTokenName", "a")],
                headers: [("jenkins-crumb", crumb)], jar: jar)
            #expect(viaHeader.status == 200)
            let viaParameter = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin,
                form: [("newTokenName", "b"), ("Jenkins-Crumb", crumb)], jar: jar)
            #expect(viaParameter.status == 200)
            let dotCrumb = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, form: [(".crumb", crumb)], jar: jar)
            #expect(dotCrumb.status == 403)
        }
    }

    @Test("without the cookie, or with another session's crumb, the crumb check fails with 403")
    func crumbBoundToSession() async throws {
        try await Harness.with { sim in
            let jar = CookieJar()
            let crumb = try await Self.crumb(sim, jar: jar)
            let noCookie = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, headers: [("Jenkins-Crumb", crumb)])
            #expect(noCookie.status == 403)
            #expect(noCookie.body.contains("No valid crumb was included in the request"))
            let otherJar = CookieJar()
            _ = try await Self.crumb(sim, jar: otherJar)
            let crossed = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, headers: [("Jenkins-Crumb", crumb)], jar: otherJar)
            #expect(crossed.status == 403)
            // A crumb issued to another principal in the same session fails too.
            let bobCrumb = try await Self.crumb(sim, jar: jar, as: Harness.bob)
            let wrongUser = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, headers: [("Jenkins-Crumb", bobCrumb)], jar: jar)
            #expect(wrongUser.status == 403)
        }
    }

    @Test("token-authenticated POSTs need no crumb and no session")
    func tokenPostsAreExempt() async throws {
        try await Harness.with { sim in
            let reply = try await sim.send(.POST, generatePath, as: Harness.alice)
            #expect(reply.status == 200)
        }
    }

    @Test("the crumb check runs before routing: unknown user and anonymous POSTs without a crumb get 403")
    func crumbBeforeRouting() async throws {
        try await Harness.with { sim in
            let unknown = try await sim.send(
                .POST, "user/ghost/\(sim.tokenMethods)/generateNewToken", as: Harness.alicePasswordLogin)
            #expect(unknown.status == 403)
            #expect(unknown.body.contains("No valid crumb"))
            let anonymous = try await sim.send(.POST, generatePath)
            #expect(anonymous.status == 403)
            #expect(anonymous.body.contains("No valid crumb"))
            let unknownWithToken = try await sim.send(
                .POST, "user/ghost/\(sim.tokenMethods)/generateNewToken", as: Harness.alice)
            #expect(unknownWithToken.status == 404)
        }
    }

    @Test("expired sessions (explicitly, or after the idle timeout) invalidate their crumbs")
    func sessionExpiry() async throws {
        try await Harness.with { sim in
            let jar = CookieJar()
            let crumb = try await Self.crumb(sim, jar: jar)
            await sim.simulator.expireSessions()
            let reply = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, headers: [("Jenkins-Crumb", crumb)], jar: jar)
            #expect(reply.status == 403)
            let fresh = try await Self.crumb(sim, jar: jar)
            #expect(fresh != crumb)
        }
        try await Harness.with(Harness.configuration { $0.sessionTimeout = .milliseconds(50) }) { sim in
            let jar = CookieJar()
            let crumb = try await Self.crumb(sim, jar: jar)
            try await Task.sleep(for: .milliseconds(200))
            let reply = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, headers: [("Jenkins-Crumb", crumb)], jar: jar)
            #expect(reply.status == 403)
        }
    }

    @Test("with CSRF off the crumb issuer is 404 and password POSTs pass")
    func csrfOff() async throws {
        try await Harness.with(Harness.configuration { $0.csrfEnabled = false }) { sim in
            #expect(try await sim.send(.GET, "crumbIssuer/api/json", as: Harness.alice).status == 404)
            let reply = try await sim.send(.POST, generatePath, as: Harness.alicePasswordLogin)
            #expect(reply.status == 200)
        }
    }

    @Test("a custom crumb field is honoured, and excluding the session id binds crumbs to the user only")
    func crumbFieldAndExclusion() async throws {
        try await Harness.with(
            Harness.configuration {
                $0.crumbField = "X-Custom-Crumb"
                $0.crumbExcludesSessionID = true
            }
        ) { sim in
            let jar = CookieJar()
            let reply = try await sim.send(.GET, "crumbIssuer/api/json", as: Harness.alicePasswordLogin, jar: jar)
            #expect(reply.json["crumbRequestField"] as? String == "X-Custom-Crumb")
            let crumb = try #require(reply.json["crumb"] as? String)
            let post = try await sim.send(
                .POST, generatePath, as: Harness.alicePasswordLogin, headers: [("X-Custom-Crumb", crumb)])
            #expect(post.status == 200)
        }
    }

    @Test("anonymous callers cannot fetch a crumb (no Overall/Read)")
    func anonymousCrumb() async throws {
        try await Harness.with { sim in
            let reply = try await sim.send(.GET, "crumbIssuer/api/json")
            #expect(reply.status == 403)
            #expect(reply.body.contains("/login?from="))
        }
    }
}
