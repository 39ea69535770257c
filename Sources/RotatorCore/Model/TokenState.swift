import Foundation

/// Where a managed token stands in its life.
public enum TokenState: String, Sendable, Codable, CaseIterable {
    /// In service.
    case active
    /// Replaced by a verified successor; still valid until `revokeAfter`.
    case retiring
    /// Revoked in Jenkins (or known to be gone).
    case revoked
}
