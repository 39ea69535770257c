import Foundation
import PostgresNIO
import RotatorCore

/// Claims (SPEC §8.11): rotators sharing this inventory divide the due tokens between them. Leases are measured by
/// the database's clock, so the rotators' clocks need not agree.
extension PostgresInventory: TokenClaims {
    /// Claims the token for `runID` for `lease` from now (the database's now); false when another run holds it.
    ///
    /// A run renews its own claim. It takes over another run's claim only once that claim has ended (released, or
    /// its lease expired) and ended before this run began: the run planned from what it read after it began, so a
    /// token that someone else worked on since then is left to the next run instead of being rotated twice from a
    /// stale plan. The row is taken `FOR UPDATE SKIP LOCKED`: a claim another run is taking or releasing at this
    /// instant is left alone, without waiting.
    public func claim(uuid: String, runID: Int64, lease: TimeSpan) async throws -> Bool {
        let uuid = uuid.lowercased()
        let seconds = Double(max(lease.seconds, 1))
        // Two statements, each atomic by itself: no transaction (and its two extra round trips) is needed.
        return try await described("claiming token \(uuid) for run \(runID)") {
            try await client.withConnection { connection in
                let inserted = try await connection.changes(
                    """
                    INSERT INTO token_claims (uuid, run_id, claimed_at, expires_at)
                    VALUES (\(uuid), \(runID), now(), now() + make_interval(secs => \(seconds)))
                    ON CONFLICT (uuid) DO NOTHING RETURNING 1
                    """, logger: logger)
                if inserted == 1 { return true }
                let taken = try await connection.changes(
                    """
                    UPDATE token_claims SET run_id = \(runID),
                        claimed_at = CASE WHEN run_id = \(runID) THEN claimed_at ELSE now() END,
                        expires_at = now() + make_interval(secs => \(seconds))
                    WHERE uuid = (
                        SELECT claim.uuid FROM token_claims AS claim
                        WHERE claim.uuid = \(uuid) AND (claim.run_id = \(runID) OR (claim.expires_at <= now()
                            AND claim.expires_at < (SELECT began FROM runs WHERE id = \(runID))))
                        FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                    """, logger: logger)
                return taken == 1
            }
        }
    }

    /// Ends every claim of `runID` now (at the end of a run).
    public func releaseClaims(runID: Int64) async throws {
        _ = try await rows(
            "releasing the claims of run \(runID)",
            "UPDATE token_claims SET expires_at = now() WHERE run_id = \(runID) AND expires_at > now()")
    }

    /// The run holding an unexpired claim on the token, or nil.
    public func claimHolder(uuid: String) async throws -> Int64? {
        try await rows(
            "reading the claim on token \(uuid)",
            "SELECT run_id FROM token_claims WHERE uuid = \(uuid.lowercased()) AND expires_at > now()"
        ).first?.decode(Int64.self)
    }
}
