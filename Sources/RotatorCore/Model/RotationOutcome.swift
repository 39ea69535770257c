import Foundation

/// What a rotation (or retirement) came to, as reported by `rotate` and `history` (SPEC §7).
public enum RotationOutcome: String, Sendable, Codable, CaseIterable {
    case rotated
    case retired
    case failed
    case uncertain
    case inProgress = "in_progress"
    case skipped
}
