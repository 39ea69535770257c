import Foundation

public struct RotationLimits: Sendable, Equatable {
    /// Per run; nil means no limit.
    public var maxRotations: Int?
    /// Per controller, then that controller stops for this run; nil means no limit.
    public var maxConsecutiveFailures: Int?

    public init(maxRotations: Int? = nil, maxConsecutiveFailures: Int? = nil) {
        self.maxRotations = maxRotations
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }
}
