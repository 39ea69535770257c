import Foundation

/// The journal steps of one rotation (SPEC §4). Each step is committed before the next side effect.
public enum RotationStep: String, Sendable, Codable, CaseIterable {
    /// Chosen by the planner; nothing sent yet.
    case planned
    /// The generate request is about to be sent under `newName`. A rotation found here by a later
    /// run had its response lost: it is `uncertain` until the security page is read.
    case generating
    /// Jenkins answered: `newUuid` and `newFingerprint` are recorded.
    case minted
    /// Every sink holds the new value.
    case delivered
    /// The new value authenticated as the same user.
    case verified
    /// The old token is retiring (grace period) or revoked; the rotation is complete.
    case done
    /// Nothing changed in service: the old token still works and any minted token was revoked.
    case failed
    /// A minted token was revoked again after a failed delivery or verification.
    case rolledBack = "rolled_back"
    /// A generate whose response was lost, and the security page could not settle it.
    case uncertain

    /// True for the steps a rotation ends in.
    public var isFinal: Bool {
        switch self {
        case .done, .failed, .rolledBack: true
        default: false
        }
    }
}
