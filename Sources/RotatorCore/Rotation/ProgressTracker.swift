import Foundation
import Locking
import Logging

/// Counts finished work items across a run's workers.
final class ProgressTracker: Sendable {
    private let state = LockedValue((done: 0, failures: 0))
    private let total: Int
    private let started = ContinuousClock.now
    private let report: (@Sendable (RunProgress) -> Void)?

    init(total: Int, report: (@Sendable (RunProgress) -> Void)?) {
        self.total = total
        self.report = report
    }

    func advance(failed: Bool) {
        guard let report else { return }
        let (done, failures) = state.withLock { state in
            state.done += 1
            if failed { state.failures += 1 }
            return (state.done, state.failures)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report(RunProgress(done: done, total: total, failures: failures, elapsed: seconds))
    }
}
