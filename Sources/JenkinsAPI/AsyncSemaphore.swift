import Foundation

/// A counting semaphore for Swift concurrency: at most `limit` holders at a time, waiters resumed in FIFO
/// order. It enforces the hard cap on requests in flight to one controller.
final class AsyncSemaphore: @unchecked Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private let limit: Int
    private var holders = 0
    private var waiters: [Waiter] = []
    private var waiterHead = 0
    private var nextWaiterID: UInt64 = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` while holding one permit. A task cancelled while waiting throws `CancellationError`.
    func withPermit<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await acquire()
        defer { release() }
        return try await body()
    }

    func acquire() async throws {
        let id: UInt64? = lock.withLock {
            if holders < limit {
                holders += 1
                return nil
            }
            defer { nextWaiterID += 1 }
            return nextWaiterID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if holders < limit {
                    // A permit came free between the first check and now.
                    holders += 1
                    lock.unlock()
                    continuation.resume()
                } else {
                    waiters.append(Waiter(id: id, continuation: continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let index = waiters[waiterHead...].firstIndex { $0.id == id }
            let cancelled = index.map { waiters.remove(at: $0) }
            lock.unlock()
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    func release() {
        lock.lock()
        if waiterHead < waiters.count {
            // Hand the permit straight to the next waiter: `holders` stays the same.
            let next = waiters[waiterHead]
            waiterHead += 1
            if waiterHead > 64, waiterHead * 2 > waiters.count {
                waiters.removeFirst(waiterHead)
                waiterHead = 0
            }
            lock.unlock()
            next.continuation.resume()
        } else {
            holders -= 1
            lock.unlock()
        }
    }

    /// Permits currently held (for tests and diagnostics).
    var inUse: Int {
        lock.lock()
        defer { lock.unlock() }
        return holders
    }
}
