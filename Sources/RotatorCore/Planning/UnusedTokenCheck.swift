import Foundation

/// `revoke_unused_after` (SPEC §8.7): a due token whose recorded last use is older than the limit is revoked
/// instead of rotated (outcome `retired`, reason "unused"). Never without recorded usage: a token `reconcile`
/// has not read yet (`useCount` nil) is always rotated.
public enum UnusedTokenCheck {
    /// Why `token` should be revoked instead of rotated, or nil when it should not.
    ///
    /// The last use is the recorded `last_used` day; a token recorded as never used (`use_count` 0) counts from
    /// its creation.
    public static func reasonToRevoke(_ token: InventoryToken, settings: TokenSettings, asOf: Date) -> String? {
        guard let limit = settings.revokeUnusedAfter, let useCount = token.useCount else { return nil }
        let since: Date
        let what: String
        if let lastUsed = token.lastUsed {
            (since, what) = (lastUsed, "last used")
        } else if useCount == 0 {
            (since, what) = (token.created, "never used since its creation")
        } else {
            return nil
        }
        let idle = TimeSpan(seconds: Int64(asOf.timeIntervalSince(since).rounded(.down)))
        guard idle > limit else { return nil }
        return "unused: \(what) \(idle.seconds / 86_400) days ago (revoke_unused_after \(limit))"
    }
}
