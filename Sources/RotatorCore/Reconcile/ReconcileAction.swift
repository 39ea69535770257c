import Foundation

/// What `reconcile` did about one finding (SPEC §8.4).
public enum ReconcileAction: String, Sendable, Codable, CaseIterable {
    /// Nothing (a managed or unmanaged token, or no flag asked for a change).
    case none
    /// An orphan revoked (`--revoke-orphans`).
    case revoked
    /// A missing row marked revoked, "gone from Jenkins" (`--forget-missing`).
    case forgotten
    /// The change was asked for and failed, or the user's page could not be read; `error` says why.
    case failed
}
