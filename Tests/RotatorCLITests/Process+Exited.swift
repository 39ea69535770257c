import Foundation

extension Process {
    /// Waits for the process to end without blocking a thread of Swift's cooperative pool. `waitUntilExit()`
    /// blocks one; on a 2-core machine the pool has two, and when both were blocked the in-process simulator the
    /// child was talking to could not answer it (the child's requests timed out, the test failed after 30 s).
    func exited() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(5)) }
    }
}
