import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("Creation and usage phrases on the security page, as config.jelly renders them")
struct SecurityPagePhraseTests {
    /// Noon UTC, `days` calendar days before today.
    static func daysAgo(_ days: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: Date())
        return today.addingTimeInterval(Double(-days) * 86_400 + 12 * 3_600)
    }

    static func configuration(version: String) -> SimulatorConfiguration {
        Harness.configuration {
            $0.jenkinsVersion = version
            $0.timeZone = TimeZone(identifier: "UTC")!
            $0.users[0].tokens += [
                SimulatedToken(
                    name: "busy", uuid: "11111111-1111-4111-8111-111111111111",
                    value: "11" + String(repeating: "e", count: 32), created: daysAgo(3), useCounter: 1_234,
                    lastUseDate: daysAgo(2)),
                SimulatedToken(
                    name: "idle", uuid: "22222222-2222-4222-8222-222222222222",
                    value: "11" + String(repeating: "f", count: 32), created: daysAgo(40)),
                SimulatedToken(
                    name: "weeks", uuid: "33333333-3333-4333-8333-333333333333",
                    value: "11" + String(repeating: "d", count: 32), created: daysAgo(20), useCounter: 5,
                    lastUseDate: daysAgo(16)),
            ]
        }
    }

    static func page(_ version: String) async throws -> String {
        var body = ""
        try await Harness.with(configuration(version: version)) { (sim: Harness) async throws in
            let reply = try await sim.send(.GET, "user/alice/security/", as: Harness.alice)
            #expect(reply.status == 200)
            body = reply.body
        }
        return body
    }

    @Test("up to 2.504: day counts with thousands separators, in list rows")
    func rows() async throws {
        let page = try await Self.page("2.492.3")
        #expect(page.contains(#"<div class="token-list ignore-dirty-panel">"#))
        #expect(page.contains(">Created 3 day(s) ago</span>"))
        #expect(page.contains(">Created 40 day(s) ago</span>"))
        #expect(page.contains("Used <b>1,234</b> time(s), last time was <b>2</b> day(s) ago"))
        #expect(page.contains("Used <b>5</b> time(s), last time was <b>16</b> day(s) ago"))
        #expect(page.contains(">Never used</strong>"))
    }

    @Test("2.505 to 2.547: coarse phrases on cards, the count bare in span.token-use-counter")
    func cards() async throws {
        let page = try await Self.page("2.530")
        #expect(page.contains(#"<div id="api-token-list">"#))
        #expect(page.contains(">Created 3 days ago</span>"))
        #expect(page.contains(">Created over a month ago</span>"))
        #expect(page.contains(">Created 2 weeks ago</span>"))
        #expect(page.contains(">Last used 2 days ago</span><span class=\"token-use-counter\">1234</span>"))
        #expect(page.contains(">Last used over 2 weeks ago</span><span class=\"token-use-counter\">5</span>"))
        #expect(page.contains("Never used</div>"))
    }

    @Test("2.548 and later: the card shows the expiry, the creation date only in a tooltip")
    func expiryCards() async throws {
        let page = try await Self.page("2.555.1")
        #expect(page.contains(">This token does not expire</span>"))
        #expect(!page.contains(">Created 3 days ago"))
        let tooltips = page.matches(of: /tooltip="Created on ([A-Z][a-z]{2} \d{1,2}, \d{4}), [^"]+"/).map {
            String($0.1)
        }
        #expect(tooltips.count == 4)
        #expect(page.contains(">Last used 2 days ago</span><span class=\"token-use-counter\">1234</span>"))
    }

    @Test("the no-section fault serves the page without the API-token section", arguments: ["2.492.3", "2.555.1"])
    func noSection(version: String) async throws {
        try await Harness.with(Self.configuration(version: version)) { (sim: Harness) async throws in
            try await sim.simulator.addFault("security:no-section,count=1")
            let broken = try await sim.send(.GET, "user/alice/security/", as: Harness.alice)
            #expect(broken.status == 200)
            #expect(!broken.body.contains("token-list"))
            #expect(!broken.body.contains("11111111-1111-4111-8111-111111111111"))
            let healed = try await sim.send(.GET, "user/alice/security/", as: Harness.alice)
            #expect(healed.body.contains("token-list"))
        }
    }

    @Test("users-file tokens take use_count, last_used and legacy")
    func usersFile() throws {
        let users = try UsersFile.parse(
            """
            users:
              - id: alice
                tokens:
                  - { name: a, value: 11aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, use_count: 7, last_used: 2026-03-01T00:00:00Z }
                  - { name: old, value: 0123456789abcdef0123456789abcdef, legacy: true }
            """)
        #expect(users[0].tokens[0].useCounter == 7)
        #expect(users[0].tokens[0].lastUseDate == ISO8601DateFormatter().date(from: "2026-03-01T00:00:00Z"))
        #expect(users[0].tokens[1].legacy)
        #expect(users[0].tokens[1].useCounter == 0)
    }
}
