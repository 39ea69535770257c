import Foundation
import Logging

/// How far a run has come: tokens handled of the total, failures so far, and when it started.
public struct RunProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
    public var failures: Int
    public var elapsed: TimeInterval

    public init(done: Int, total: Int, failures: Int, elapsed: TimeInterval) {
        self.done = done
        self.total = total
        self.failures = failures
        self.elapsed = elapsed
    }

    /// A straight-line estimate of the time left.
    public var remaining: TimeInterval? {
        guard done > 0, total > done else { return nil }
        return elapsed / Double(done) * Double(total - done)
    }
}
