import Foundation

public struct RotationLimits: Sendable, Equatable {
    /// Per run; nil means no limit.
    public var maxRotations: Int?
    /// Per controller, then that controller stops for this run; nil means no limit.
    public var maxConsecutiveFailures: Int?
    /// Requests in flight over all controllers together, on top of each controller's `concurrency` (SPEC §8.11).
    public var maxRequestsInFlight: Int

    /// How long a rotator's claim on a token lasts when several share a PostgreSQL inventory (`limits.claim_lease`,
    /// SPEC §8.12): longer than the slowest single rotation, and the longest a crashed rotator's tokens wait.
    public var claimLease: TimeSpan

    /// `limits.max_requests_in_flight` when the policy does not say.
    public static let defaultMaxRequestsInFlight = 64
    /// `limits.claim_lease` when the policy does not say.
    public static let defaultClaimLease = TimeSpan(seconds: 600)
    /// The shortest `limits.claim_lease` accepted: a lease shorter than one request's round trip would let another
    /// rotator take a token mid-rotation.
    public static let minimumClaimLease = TimeSpan(seconds: 1)

    public init(
        maxRotations: Int? = nil, maxConsecutiveFailures: Int? = nil,
        maxRequestsInFlight: Int = RotationLimits.defaultMaxRequestsInFlight,
        claimLease: TimeSpan = RotationLimits.defaultClaimLease
    ) {
        self.claimLease = claimLease
        self.maxRotations = maxRotations
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.maxRequestsInFlight = max(1, maxRequestsInFlight)
    }
}
