import Foundation
import RotatorCore
import Testing

@Suite("Reconciler: classifying a user's security page against the inventory")
struct ReconcilerTests {
    static func token(_ name: String, _ uuid: String, state: TokenState = .active) -> InventoryToken {
        InventoryToken(
            controller: "ci", user: "alice", name: name, uuid: uuid, created: Date(timeIntervalSince1970: 0),
            state: state, revokedAt: state == .revoked ? Date(timeIntervalSince1970: 1) : nil)
    }

    static func policy(tokenName: String) throws -> RotationPolicy {
        try PolicyLoader.parse(
            """
            version: 1
            controllers:
              ci: { url: "https://ci.example.com/", auth: { user: a, token_env: T } }
            defaults:
              token_name: "\(tokenName)"
            """, source: "test")
    }

    @Test("managed, orphan (a minted name, or a revoked row still shown), unmanaged and missing")
    func classifies() throws {
        let inventory = [
            Self.token("ci", "u-managed"), Self.token("deploy", "u-missing", state: .retiring),
            Self.token("old", "u-revoked", state: .revoked), Self.token("gone", "u-gone", state: .revoked),
        ]
        let listed = [
            ListedToken(name: "ci", uuid: "U-MANAGED", useCount: 4, lastUsedDaysAgo: 1),
            ListedToken(name: "ci-2026-11-29", uuid: "u-orphan"), ListedToken(name: "old", uuid: "u-revoked"),
            ListedToken(name: "laptop", uuid: "u-laptop"), ListedToken(name: "lost", uuid: "u-lost"),
        ]
        let minted = MintedNames(
            controller: "ci", user: "alice", tokens: inventory, unfinishedNames: ["lost"],
            policy: try Self.policy(tokenName: "{name}-{date}"))
        let findings = Reconciler.classify(
            controller: "ci", user: "alice", listed: listed, inventoryTokens: inventory, mintedNames: minted)
        let kinds = Dictionary(uniqueKeysWithValues: findings.map { ($0.uuid ?? "", $0.kind) })
        #expect(
            kinds == [
                "u-managed": .managed, "u-orphan": .orphan, "u-revoked": .orphan, "u-laptop": .unmanaged,
                "u-lost": .orphan, "u-missing": .missing,
            ])
        #expect(findings.first?.useCount == 4)
        #expect(findings.filter(\.isOutstanding).count == 4)
    }

    @Test(
        "a template's fixed parts must match; {date} and {rotation} stand for a day and an id",
        arguments: [
            ("{name}-{date}", "ci-2026-01-05", true), ("{name}-{date}", "ci-tomorrow", false),
            ("{name}-r{rotation}", "ci-r17", true), ("{name}-r{rotation}", "ci-rx", false),
            ("{user}@{controller}", "alice@ci", true), ("{name}", "ci.", false),
        ])
    func templates(template: String, candidate: String, matches: Bool) {
        #expect(
            TokenNameTemplate.matches(
                candidate, template: template, fixed: [.name: "ci", .user: "alice", .controller: "ci"]) == matches)
    }
}
