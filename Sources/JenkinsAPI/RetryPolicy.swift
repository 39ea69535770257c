/// How idempotent Jenkins calls (crumb, whoAmI, revoke, version, token list) are retried after a network
/// error or a 5xx: exponential backoff with jitter. `generateNewToken` is never retried once sent.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first one included; 1 means no retry.
    public var maxAttempts: Int
    /// The delay before the first retry; each further retry doubles it.
    public var baseDelay: Duration
    /// The ceiling for any one delay, before jitter.
    public var maxDelay: Duration
    /// Each delay is multiplied by a random factor in `1 - jitter ... 1 + jitter` (0 turns jitter off).
    public var jitter: Double

    public init(
        maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(5),
        jitter: Double = 0.2
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before retry number `retry` (1 for the first retry), jitter drawn from `random`.
    public func delay(beforeRetry retry: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let exponential = baseDelay * (1 << exponent)
        let capped = min(exponential, maxDelay)
        let factor = 1 - jitter + 2 * jitter * min(max(random, 0), 1)
        return capped * factor
    }
}
