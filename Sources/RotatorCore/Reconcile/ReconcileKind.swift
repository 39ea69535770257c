import Foundation

/// What `reconcile` found about one token (SPEC §8.4).
public enum ReconcileKind: String, Sendable, Codable, CaseIterable {
    /// Shown by Jenkins and active or retiring in the inventory.
    case managed
    /// Shown by Jenkins, unknown to the inventory (or revoked there), and named as the tool names what it mints
    /// for that user, or as a rotation left uncertain: most likely minted by a run whose answer was lost.
    case orphan
    /// Shown by Jenkins, unknown to the inventory, with any other name: someone else's; never revoked.
    case unmanaged
    /// Active or retiring in the inventory, but not shown by Jenkins.
    case missing
}
