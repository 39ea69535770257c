import Foundation

/// Divides the due tokens between rotators that share one inventory (PostgreSQL, SPEC §8.11): before a run works on
/// a token (rotation, resume or retirement) it claims it, and a token another live run has claimed is left alone.
/// A claim lasts for a lease measured by the store's own clock, so the claims of a process that died expire by
/// themselves and the next run resumes what it left. SQLite needs none: its run lock admits one run at a time.
public protocol TokenClaims: Sendable {
    /// Claims the token for `runID` for `lease`; false when another run's claim on it has not expired.
    func claim(uuid: String, runID: Int64, lease: TimeSpan) async throws -> Bool

    /// Releases every claim of `runID` (at the end of a run).
    func releaseClaims(runID: Int64) async throws

    /// The run whose claim on the token has not expired, or nil: commands that change a token outside a run's plan
    /// (`inventory remove`) leave a claimed one alone.
    func claimHolder(uuid: String) async throws -> Int64?
}
