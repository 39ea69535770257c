import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOCore
import NIOHTTP1
import Testing

@Suite("A context path (--prefix)")
struct ContextPathTests {
    static func prefixed() -> SimulatorConfiguration {
        Harness.configuration { $0.contextPath = "/jenkins" }
    }

    /// A request to a path from the server's root, ignoring the context path.
    static func rootGET(_ sim: Harness, _ path: String, as credentials: Credentials? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(sim.simulator.port)\(path)")
        if let credentials { request.headers.add(name: "Authorization", value: credentials.header) }
        let response = try await sim.client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    @Test("the base URL carries the context path and Jenkins answers only under it")
    func baseURL() async throws {
        try await Harness.with(Self.prefixed()) { (sim: Harness) async throws in
            #expect(sim.simulator.baseURL.absoluteString == "http://127.0.0.1:\(sim.simulator.port)/jenkins/")
            let inside = try await sim.send(.GET, "whoAmI/api/json", as: Harness.alice)
            #expect(inside.status == 200)
            #expect(inside.json["name"] as? String == "alice")
            let outside = try await Self.rootGET(sim, "/whoAmI/api/json", as: Harness.alice)
            #expect(outside.status == 404)
            #expect(outside.body.contains("HTTP ERROR 404"))
            #expect(outside.header("X-Jenkins") == nil)
        }
    }

    @Test("the session cookie's Path is the context path, and crumbs work under it")
    func cookiePath() async throws {
        try await Harness.with(Self.prefixed()) { (sim: Harness) async throws in
            let jar = CookieJar()
            let crumb = try await sim.send(.GET, "crumbIssuer/api/json", as: Harness.alicePasswordLogin, jar: jar)
            #expect(jar.lastSetCookie?.contains("; Path=/jenkins;") == true)
            let field = try #require(crumb.json["crumbRequestField"] as? String)
            let value = try #require(crumb.json["crumb"] as? String)
            let generate = try await sim.send(
                .POST, "user/alice/\(sim.tokenMethods)/generateNewToken", as: Harness.alicePasswordLogin,
                form: [("newTokenName", "under-prefix")], headers: [(field, value)], jar: jar)
            #expect(generate.status == 200)
        }
    }

    @Test("/_sim/ stays at the root, and pages link under the context path")
    func inspectionAndLinks() async throws {
        try await Harness.with(Self.prefixed()) { (sim: Harness) async throws in
            #expect(try await Self.rootGET(sim, "/_sim/state").status == 200)
            #expect(try await sim.send(.GET, "_sim/state").status != 200)
            let page = try await sim.send(.GET, "user/alice/security/", as: Harness.alice)
            #expect(
                page.body.contains(
                    "data-target-url=\"/jenkins/user/alice/descriptorByName/jenkins.security.ApiTokenProperty/revoke\"")
            )
            let anonymous = try await sim.send(.GET, "me/api/json")
            #expect(anonymous.status == 403)
            #expect(anonymous.body.contains("url=/jenkins/login?from=%2Fjenkins%2Fme%2Fapi%2Fjson"))
            let user = try await sim.send(.GET, "user/alice/api/json", as: Harness.alice)
            #expect(user.json["absoluteUrl"] as? String == "http://127.0.0.1:\(sim.simulator.port)/jenkins/user/alice")
        }
    }

    @Test("a context path that names /_sim is refused")
    func refused() throws {
        #expect(throws: SimulatorError.self) { try SimulatorCommandLine.parse(arguments: ["--prefix", "/_sim"]) }
        #expect(try SimulatorConfiguration.normalizedContextPath("/") == "")
        #expect(try SimulatorConfiguration.normalizedContextPath("jenkins/") == "/jenkins")
    }
}
