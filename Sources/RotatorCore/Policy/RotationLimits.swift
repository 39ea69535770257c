import Foundation

public struct RotationLimits: Sendable, Equatable {
    /// Per run; nil means no limit.
    public var maxRotations: Int?
    /// Per controller, then that controller stops for this run; nil means no limit.
    public var maxConsecutiveFailures: Int?
    /// Requests in flight over all controllers together, on top of each controller's `concurrency` (SPEC §8.11).
    public var maxRequestsInFlight: Int

    /// `limits.max_requests_in_flight` when the policy does not say.
    public static let defaultMaxRequestsInFlight = 64

    public init(
        maxRotations: Int? = nil, maxConsecutiveFailures: Int? = nil,
        maxRequestsInFlight: Int = RotationLimits.defaultMaxRequestsInFlight
    ) {
        self.maxRotations = maxRotations
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.maxRequestsInFlight = max(1, maxRequestsInFlight)
    }
}
