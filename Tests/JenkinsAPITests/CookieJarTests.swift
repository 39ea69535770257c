import Foundation
import Testing

@testable import JenkinsAPI

@Suite("Cookie jar")
struct CookieJarTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("keeps a cookie by whatever name Jenkins gives it and sends it back")
    func keepsCookieByName() {
        var jar = CookieJar()
        jar.store(
            setCookieHeaders: ["JSESSIONID.1a2b3c4d=node0abc.node0; Path=/; HttpOnly"],
            requestPath: "/crumbIssuer/api/json",
            now: now)
        #expect(jar.header(forPath: "/user/alice/descriptorByName/x", now: now) == "JSESSIONID.1a2b3c4d=node0abc.node0")
    }

    @Test("replaces a cookie of the same name and keeps cookies of other names")
    func replacesByName() {
        var jar = CookieJar()
        jar.store(setCookieHeaders: ["JSESSIONID.aaaa0000=one; Path=/", "other=x; Path=/"], requestPath: "/", now: now)
        jar.store(setCookieHeaders: ["JSESSIONID.aaaa0000=two; Path=/"], requestPath: "/", now: now)
        #expect(jar.header(forPath: "/", now: now) == "JSESSIONID.aaaa0000=two; other=x")
    }

    @Test("honours Path: a cookie for /jenkins is not sent to /other")
    func honoursPath() {
        var jar = CookieJar()
        jar.store(setCookieHeaders: ["s=1; Path=/jenkins"], requestPath: "/jenkins/crumbIssuer/api/json", now: now)
        #expect(jar.header(forPath: "/jenkins/user/a", now: now) == "s=1")
        #expect(jar.header(forPath: "/jenkins", now: now) == "s=1")
        #expect(jar.header(forPath: "/jenkinsX/user", now: now) == nil)
        #expect(jar.header(forPath: "/other", now: now) == nil)
    }

    @Test("defaults the path to the request's directory when Set-Cookie has none")
    func defaultPath() {
        var jar = CookieJar()
        jar.store(setCookieHeaders: ["s=1"], requestPath: "/jenkins/crumbIssuer/api/json", now: now)
        #expect(jar.header(forPath: "/jenkins/crumbIssuer/api/xml", now: now) == "s=1")
        #expect(jar.header(forPath: "/jenkins/user/a", now: now) == nil)
    }

    @Test("drops cookies whose Max-Age or Expires has passed, and deletes on Max-Age=0")
    func expiry() {
        var jar = CookieJar()
        jar.store(
            setCookieHeaders: [
                "short=1; Max-Age=60; Path=/", "dated=2; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/",
            ],
            requestPath: "/", now: now)
        #expect(jar.header(forPath: "/", now: now) == "dated=2; short=1")
        #expect(jar.header(forPath: "/", now: now.addingTimeInterval(61)) == "dated=2")
        jar.store(setCookieHeaders: ["dated=gone; Max-Age=0; Path=/"], requestPath: "/", now: now)
        #expect(jar.header(forPath: "/", now: now) == nil)
        jar.store(
            setCookieHeaders: ["old=3; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"], requestPath: "/", now: now)
        #expect(jar.isEmpty)
    }

    @Test(
        "reads Path as RFC 6265 §5.2.4 does: spaces around =, the last Path wins, a path not starting with / is ignored",
        arguments: [
            ("s=1; Path = /jenkins", "/jenkins"),
            ("s=1; path=/a; Path=/jenkins", "/jenkins"),
            ("s=1; Path=relative", "/jenkins/crumbIssuer/api"),
            ("s=1; Path=", "/jenkins/crumbIssuer/api"),
            ("s=1; Path=/jenkins; Path=relative", "/jenkins/crumbIssuer/api"),
            ("s=1; Max-Age=60;Path=/jenkins", "/jenkins"),
        ])
    func pathAttribute(header: String, path: String) throws {
        var jar = CookieJar()
        jar.store(setCookieHeaders: [header], requestPath: "/jenkins/crumbIssuer/api/json", now: now)
        #expect(jar.cookies["s"]?.path == path)
    }

    @Test("the cookie fuzz target's corpus holds to its invariants")
    func fuzzCorpus() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/CookieFuzz/corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.isEmpty)
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(CookieJarInvariants.violations(String(decoding: data, as: UTF8.self)) == [], "\(name)")
        }
    }
}
