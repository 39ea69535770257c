import Foundation
import RotatorCore
import Testing

@Suite("revoke_unused_after: which due tokens are revoked instead of rotated")
struct UnusedTokenCheckTests {
    static let asOf = Date(timeIntervalSince1970: 1_790_000_000)
    static func daysAgo(_ days: Double) -> Date { asOf.addingTimeInterval(-days * 86_400) }

    struct Example: Sendable {
        var useCount: Int?
        var lastUsedDaysAgo: Double?
        var createdDaysAgo: Double
        var limitDays: Int64?
        var revoked: Bool
    }

    @Test(
        "only with recorded usage older than the limit",
        arguments: [
            // Never read by reconcile: never revoked.
            Example(useCount: nil, lastUsedDaysAgo: nil, createdDaysAgo: 400, limitDays: 60, revoked: false),
            Example(useCount: 3, lastUsedDaysAgo: 61, createdDaysAgo: 400, limitDays: 60, revoked: true),
            Example(useCount: 3, lastUsedDaysAgo: 59, createdDaysAgo: 400, limitDays: 60, revoked: false),
            // Never used: counts from creation.
            Example(useCount: 0, lastUsedDaysAgo: nil, createdDaysAgo: 61, limitDays: 60, revoked: true),
            Example(useCount: 0, lastUsedDaysAgo: nil, createdDaysAgo: 30, limitDays: 60, revoked: false),
            // Used, but no day known.
            Example(useCount: 3, lastUsedDaysAgo: nil, createdDaysAgo: 400, limitDays: 60, revoked: false),
            // No limit.
            Example(useCount: 3, lastUsedDaysAgo: 400, createdDaysAgo: 400, limitDays: nil, revoked: false),
        ])
    func decides(_ example: Example) {
        let token = InventoryToken(
            controller: "ci", user: "alice", name: "ci", uuid: "u", created: Self.daysAgo(example.createdDaysAgo),
            useCount: example.useCount, lastUsed: example.lastUsedDaysAgo.map(Self.daysAgo))
        let settings = TokenSettings(revokeUnusedAfter: example.limitDays.map(TimeSpan.days))
        let reason = UnusedTokenCheck.reasonToRevoke(token, settings: settings, asOf: Self.asOf)
        #expect((reason != nil) == example.revoked)
        if let reason { #expect(reason.hasPrefix("unused")) }
    }

    @Test("the policy key is read from defaults and rules, and must be at least a day")
    func policyKey() throws {
        let policy = try PolicyLoader.parse(
            """
            version: 1
            controllers:
              ci: { url: "https://ci.example.com/", auth: { user: a, token_env: T } }
            defaults:
              revoke_unused_after: 60d
            rules:
              - match: { user: "svc-*" }
                revoke_unused_after: 30d
            """, source: "test")
        #expect(policy.defaults.revokeUnusedAfter == .days(60))
        #expect(policy.resolve(controller: "ci", user: "svc-a", name: "x").settings.revokeUnusedAfter == .days(30))
        #expect(throws: PolicyError.self) {
            try PolicyLoader.parse(
                """
                version: 1
                controllers:
                  ci: { url: "https://ci.example.com/", auth: { user: a, token_env: T } }
                defaults:
                  revoke_unused_after: 1h
                """, source: "test")
        }
    }
}
