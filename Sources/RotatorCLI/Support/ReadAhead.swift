import Foundation

/// Runs a sequential reader on a thread of its own, a few batches ahead of its one consumer, so that reading and
/// parsing an import file use the second core while the inventory writes the rows on the first. The consumer sees
/// exactly the sequence the reader gives, in order, and the reader's error (if any) in the place where it was
/// thrown: after the elements read before it. At most `depth` batches of `batchSize` elements wait at once, so
/// memory stays bounded however long the input.
///
/// One consumer only. Call ``finish()`` when done (also after an error): it stops the reader and waits for its
/// thread, so that `next` never runs after it returns (the file it reads may be closed then).
final class ReadAhead<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [[Element]] = []
    private var readerEnded = false
    private var readerError: (any Error)?
    private var stopped = false
    private var threadExited = false

    // The consumer's own: the batch it is taking elements from.
    private var current: [Element] = []
    private var position = 0

    /// Starts reading at once. `next` runs on the reader's thread only, until it returns nil or throws.
    init(batchSize: Int = 1_024, depth: Int = 4, reading next: @escaping () throws -> Element?) {
        precondition(batchSize > 0 && depth > 0)
        // `next` moves to the reader's thread and is never called from any other.
        let reader = UncheckedMove(next)
        let thread = Thread { [self] in
            // Named from the thread itself: on Linux a name set before start() never reaches the OS thread.
            Thread.current.name = "import reader"
            produce(batchSize: batchSize, depth: depth, next: reader.value)
        }
        thread.start()
    }

    /// The next element, nil at the end, or the reader's error once the elements before it were taken.
    func next() throws -> Element? {
        if position == current.count {
            guard try takeBatch() else { return nil }
        }
        defer { position += 1 }
        return current[position]
    }

    /// Stops the reader and waits until its thread has exited. Safe to call more than once.
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !threadExited { condition.wait() }
        condition.unlock()
    }

    /// Waits for the next batch; false at the end. Throws the reader's error when no batch is left before it.
    private func takeBatch() throws -> Bool {
        condition.lock()
        defer { condition.unlock() }
        // A reader stopped by finish() ends the sequence too.
        while ready.isEmpty && !readerEnded && !threadExited { condition.wait() }
        guard !ready.isEmpty else {
            if let readerError { throw readerError }
            return false
        }
        current = ready.removeFirst()
        position = 0
        condition.broadcast()
        return !current.isEmpty
    }

    private func produce(batchSize: Int, depth: Int, next: () throws -> Element?) {
        defer {
            condition.lock()
            threadExited = true
            condition.broadcast()
            condition.unlock()
        }
        while true {
            var batch: [Element] = []
            batch.reserveCapacity(batchSize)
            var ended = false
            var failure: (any Error)?
            do {
                while batch.count < batchSize {
                    guard let element = try next() else {
                        ended = true
                        break
                    }
                    batch.append(element)
                }
            } catch {
                failure = error
            }
            condition.lock()
            while ready.count >= depth && !stopped { condition.wait() }
            guard !stopped else {
                condition.unlock()
                return
            }
            if !batch.isEmpty { ready.append(batch) }
            if ended || failure != nil {
                readerEnded = true
                readerError = failure
            }
            condition.broadcast()
            condition.unlock()
            if ended || failure != nil { return }
        }
    }
}

/// A value handed from one thread to another that never touches it again.
private struct UncheckedMove<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
