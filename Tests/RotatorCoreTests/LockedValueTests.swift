import Locking
import Testing

@Suite("LockedValue")
struct LockedValueTests {
    @Test("changes from many threads at once are never lost")
    func concurrentIncrements() async {
        let counter = LockedValue(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask { for _ in 0..<10_000 { counter.withLock { $0 += 1 } } }
            }
        }
        #expect(counter.withLock { $0 } == 160_000)
    }

    @Test("a thrown error leaves the lock released and the change made before it kept")
    func throwingBody() {
        struct Stop: Error {}
        let value = LockedValue([1])
        #expect(throws: Stop.self) {
            try value.withLock { (items: inout [Int]) throws(Stop) in
                items.append(2)
                throw Stop()
            }
        }
        #expect(value.withLock { $0 } == [1, 2])
    }
}
