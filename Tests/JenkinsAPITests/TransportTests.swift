import Foundation
import JenkinsSimulator
import JenkinsTestSupport
import RotatorCore
import Testing

@testable import JenkinsAPI

/// Runs `body` with a client whose base URL is `http://127.0.0.1:PORT/jenkins/`, served by a
/// ``JenkinsProxy`` in front of the live simulator (jenkins-sim has no `--prefix` yet).
private func withContextPath(
    timeout: Duration = .seconds(5), _ body: (Harness, JenkinsProxy, JenkinsClient) async throws -> Void
) async throws {
    try await Harness.run { jenkins in
        let proxy = try await JenkinsProxy.start(
            upstream: jenkins.simulator.baseURL, httpClient: jenkins.httpClient)
        do {
            let client = jenkins.makeClient(timeout: timeout, baseURL: proxy.baseURL)
            try await body(jenkins, proxy, client)
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }
}

@Suite("Transport: context paths, User-Agent, Retry-After (SPEC §8.1)")
struct TransportTests {
    @Test("with a context path every request, crumb issuer and security page included, goes under it")
    func contextPath() async throws {
        try await withContextPath { jenkins, proxy, client in
            let check = await client.check(as: Seed.adminPasswordCredential)
            #expect(check.isHealthy, "\(String(describing: check.failure))")
            #expect(check.crumb == .fetched(field: "Jenkins-Crumb"))
            let minted = try await client.generateToken(
                forUser: "alice", name: "under-a-prefix", expirationDays: nil, as: Seed.alicePasswordCredential)
            let alice = JenkinsCredential(user: "alice", secret: minted.value, kind: .apiToken)
            #expect(try await client.whoAmI(alice) == "alice")
            let listed = try await client.listTokens(user: "alice", as: Seed.alicePasswordCredential)
            #expect(listed.contains { $0.uuid == minted.uuid })
            try await client.revokeToken(user: "alice", uuid: minted.uuid, as: Seed.alicePasswordCredential)
            #expect(await !jenkins.simulator.tokens(of: "alice").contains { $0.uuid == minted.uuid })

            let seen = await proxy.book.seen
            #expect(seen.allSatisfy { $0.path.hasPrefix("/jenkins/") }, "\(seen.map(\.path))")
            let paths = Set(seen.map(\.path))
            #expect(paths.contains("/jenkins/crumbIssuer/api/json"))
            #expect(paths.contains("/jenkins/user/alice/security/"))
            #expect(paths.contains("/jenkins/whoAmI/api/json"))
            #expect(await jenkins.simulator.requestCount(.crumb) >= 1)
            #expect(await jenkins.simulator.requestCount(.security) == 1)
        }
    }

    @Test("every request carries User-Agent: token-rotator/<version>, the version --version prints")
    func userAgent() async throws {
        try await withContextPath { _, proxy, client in
            _ = await client.check(as: Seed.adminPasswordCredential)
            try await client.revokeToken(user: "alice", uuid: "no-such-uuid", as: Seed.adminPasswordCredential)
            let seen = await proxy.book.seen
            #expect(seen.count >= 4)
            #expect(TokenRotatorVersion.userAgent == "token-rotator/\(TokenRotatorVersion.current)")
            #expect(seen.allSatisfy { $0.userAgent == TokenRotatorVersion.userAgent }, "\(seen)")
        }
    }

    @Test(
        "429 and 503 with Retry-After wait min(Retry-After, timeout), then retry an idempotent call",
        arguments: [
            (429, "2", Duration.seconds(2)), (503, "1", .seconds(1)), (429, "600", .seconds(5)),
            (503, "0", .zero),
        ] as [(Int, String, Duration)])
    func retryAfter(status: Int, header: String, expected: Duration) async throws {
        try await withContextPath(timeout: .seconds(5)) { jenkins, proxy, client in
            await proxy.book.add(.init(pathSuffix: "/revoke", status: status, retryAfter: header, remaining: 1))
            try await client.revokeToken(user: "alice", uuid: Seed.aliceTokenUUID, as: Seed.alice)
            #expect(jenkins.sleeps.sleeps == [expected])
            #expect(await jenkins.simulator.requestCount(.revoke) == 1)
            #expect(await !jenkins.simulator.tokens(of: "alice").contains { $0.uuid == Seed.aliceTokenUUID })
        }
    }

    @Test("an HTTP-date Retry-After is honoured as the time left until it")
    func retryAfterDate() async throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let header = formatter.string(from: now.addingTimeInterval(3))
        #expect(RetryAfter.delay(header, now: now) == .seconds(3))
        #expect(RetryAfter.delay(formatter.string(from: now.addingTimeInterval(-60)), now: now) == .zero)
        for unreadable in [nil, "", "soon", "-1", "1.5", "Sun, 99 Foo 2026"] as [String?] {
            #expect(RetryAfter.delay(unreadable, now: now) == nil)
        }
    }

    @Test(
        "IMF-fixdate is read by hand (Foundation's DateFormatter leaked on fuzzed input)",
        arguments: [
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 as Double?), ("Thu, 29 Feb 2024 23:59:59 GMT", 1_709_251_199),
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0), ("Fri, 31 Dec 9999 23:59:59 GMT", 253_402_300_799),
            ("Sun, 06 Nov 1994 08:49:37 UTC", nil), ("Sun, 06 Foo 1994 08:49:37 GMT", nil),
            ("Sun, 6 Nov 1994 08:49:37 GMT", nil), ("Sunday, 06-Nov-94 08:49:37 GMT", nil),
            ("\u{A9}\u{A9}NumberElements\u{A9}\u{A9}\u{A9}\u{A9}\u{A9}", nil), ("Sun, 06 Nov 1994 24:00:00 GMT", nil),
        ])
    func imfFixdate(text: String, epoch: Double?) {
        #expect(RetryAfter.imfFixdate(text)?.timeIntervalSince1970 == epoch)
    }

    @Test("Retry-After retries stay within the usual attempt budget")
    func retryAfterBudget() async throws {
        try await withContextPath { jenkins, proxy, client in
            await proxy.book.add(.init(pathSuffix: "/whoAmI/api/json", status: 429, retryAfter: "1", remaining: 10))
            let error = await expectJenkinsError { _ = try await client.whoAmI(Seed.alice) }
            guard case .unexpectedStatus(_, 429) = error else {
                Issue.record("expected unexpectedStatus 429, got \(String(describing: error))")
                return
            }
            #expect(jenkins.sleeps.sleeps == [.seconds(1), .seconds(1)])
        }
    }

    @Test("a 429 without Retry-After is not retried")
    func tooManyWithoutRetryAfter() async throws {
        try await withContextPath { jenkins, proxy, client in
            await proxy.book.add(.init(pathSuffix: "/whoAmI/api/json", status: 429, retryAfter: nil, remaining: 1))
            _ = await expectJenkinsError { _ = try await client.whoAmI(Seed.alice) }
            #expect(jenkins.sleeps.sleeps.isEmpty)
        }
    }

    @Test("generate is never re-sent, whatever Retry-After says", arguments: [429, 503])
    func generateNotResent(status: Int) async throws {
        try await withContextPath { jenkins, proxy, client in
            await proxy.book.add(
                .init(pathSuffix: "/generateNewToken", status: status, retryAfter: "1", remaining: 5))
            _ = await expectJenkinsError {
                _ = try await client.generateToken(
                    forUser: "alice", name: "once", expirationDays: nil, as: Seed.alice)
            }
            #expect(jenkins.sleeps.sleeps.isEmpty)
            let generates = await proxy.book.seen.filter { $0.path.hasSuffix("/generateNewToken") }
            #expect(generates.count == 1)
        }
    }
}
