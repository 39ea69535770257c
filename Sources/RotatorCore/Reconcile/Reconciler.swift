import Foundation

/// Compares one user's security page with the inventory (SPEC §8.4). Pure: no HTTP, no database.
public enum Reconciler {
    /// One finding per token the page shows, then one per inventory token it does not show.
    ///
    /// - Parameters:
    ///   - listed: the tokens of the user's security page (its API-token section was there).
    ///   - inventoryTokens: the inventory's tokens of this controller and user, any state.
    ///   - mintedNames: the names the tool mints for this user.
    public static func classify(
        controller: String, user: String, listed: [ListedToken], inventoryTokens: [InventoryToken],
        mintedNames: MintedNames
    ) -> [ReconcileFinding] {
        let live = Dictionary(
            inventoryTokens.filter { $0.state != .revoked }.map { ($0.uuid.lowercased(), $0) },
            uniquingKeysWith: { first, _ in first })
        var findings: [ReconcileFinding] = []
        var shown: Set<String> = []
        for token in listed {
            let uuid = token.uuid.lowercased()
            shown.insert(uuid)
            let kind: ReconcileKind
            if live[uuid] != nil {
                kind = .managed
            } else if mintedNames.contains(token.name) {
                kind = .orphan
            } else {
                kind = .unmanaged
            }
            findings.append(
                ReconcileFinding(
                    controller: controller, user: user, name: token.name, uuid: uuid, kind: kind,
                    createdDays: token.createdDaysAgo, useCount: token.useCount, lastUsedDays: token.lastUsedDaysAgo))
        }
        for token in inventoryTokens where token.state != .revoked && !shown.contains(token.uuid.lowercased()) {
            findings.append(
                ReconcileFinding(
                    controller: controller, user: user, name: token.name, uuid: token.uuid, kind: .missing))
        }
        return findings
    }

    /// The last use a page's day count stands for: midnight UTC, `days` days before `now`'s day.
    public static func day(daysBefore now: Date, _ days: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let today = calendar.startOfDay(for: now)
        return calendar.date(byAdding: .day, value: -days, to: today) ?? today
    }
}
