import Foundation

/// The run-wide cap on requests in flight over every controller (`limits.max_requests_in_flight`), shared by
/// the ``JenkinsClient``s of one run on top of each one's own `concurrency`.
///
/// A request takes its controller's permit first and one of these second, always in that order, so no two
/// requests can wait for each other; both queues are FIFO, and at most the sum of the controllers'
/// `concurrency` requests wait here, so every waiter gets its turn.
public final class RequestSlots: Sendable {
    let semaphore: AsyncSemaphore
    /// The cap.
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
        self.semaphore = AsyncSemaphore(limit: self.limit)
    }

    /// Slots held right now (for tests and diagnostics).
    public var inUse: Int { semaphore.inUse }
}
