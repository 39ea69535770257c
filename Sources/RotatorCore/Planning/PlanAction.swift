import Foundation

/// What `rotate` would do with one token (SPEC §2 audit rows).
public enum PlanAction: String, Sendable, Codable, CaseIterable {
    case rotate, retire, resume, skip, none
}
