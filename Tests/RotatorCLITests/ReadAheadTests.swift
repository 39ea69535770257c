import Foundation
import Locking
import Testing

@testable import RotatorCLI

@Suite("Reading an import a few batches ahead, on a thread of its own")
struct ReadAheadTests {
    struct ReadFailure: Error, Equatable {}

    @Test(
        "the consumer gets every element in order, across batch boundaries, then nil", arguments: [0, 1, 7, 8, 9, 100])
    func sameSequence(count: Int) throws {
        var produced = 0
        let ahead = ReadAhead<Int>(batchSize: 8, depth: 2) {
            guard produced < count else { return nil }
            produced += 1
            return produced
        }
        defer { ahead.finish() }
        var taken: [Int] = []
        while let value = try ahead.next() { taken.append(value) }
        #expect(taken == Array(stride(from: 1, through: count, by: 1)))
        #expect(try ahead.next() == nil, "the end stays the end")
    }

    @Test("the reader's error comes after the elements read before it, not before them")
    func errorInPlace() throws {
        var produced = 0
        let ahead = ReadAhead<Int>(batchSize: 4, depth: 2) {
            guard produced < 10 else { throw ReadFailure() }
            produced += 1
            return produced
        }
        defer { ahead.finish() }
        var taken: [Int] = []
        #expect(throws: ReadFailure()) {
            while let value = try ahead.next() { taken.append(value) }
        }
        #expect(taken == Array(1...10))
    }

    @Test("finish stops a reader that is waiting for room, and the reader is never called after it returns")
    func finishStopsReader() throws {
        // (calls so far, whether a call came after finish returned)
        let state = LockedValue((calls: 0, afterFinish: false, finished: false))
        let ahead = ReadAhead<Int>(batchSize: 2, depth: 1) {
            state.withLock { state in
                if state.finished { state.afterFinish = true }
                state.calls += 1
                return state.calls
            }
        }
        #expect(try ahead.next() == 1)
        ahead.finish()
        let callsAtFinish = state.withLock { state in
            state.finished = true
            return state.calls
        }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(state.withLock { $0.calls } == callsAtFinish)
        #expect(!state.withLock { $0.afterFinish })
        // Bounded: the batch taken, at most `depth` waiting and one being filled, of two elements each.
        #expect(callsAtFinish <= 2 * 3)
        ahead.finish()
    }
}
