import Foundation

/// What becomes of the old token when its successor is recorded.
public enum RetiredTokenState: Sendable, Equatable {
    /// Still valid until the grace period ends, then revoked by a later run.
    case retiring(revokeAfter: Date)
    /// Revoked in Jenkins at this instant.
    case revoked(at: Date)
}
