import Testing

@testable import RotatorCore

@Suite("Rotation scheduler")
struct RotationSchedulerTests {
    typealias Lane = RotationScheduler<Int>.Lane

    @Test("a controller at its cap hands the next worker to the next controller; every item goes out once")
    func capsAndOrder() {
        let scheduler = RotationScheduler([
            Lane(controller: "a", items: [1, 2, 3], cap: 2), Lane(controller: "b", items: [10, 11], cap: 1),
        ])
        let first = scheduler.next()
        let second = scheduler.next()
        let third = scheduler.next()
        #expect([first?.item, second?.item, third?.item] == [1, 2, 10])
        // a is at 2 of 2 and b at 1 of 1: nothing may start until one of them finishes.
        #expect(scheduler.next() == nil)
        scheduler.finished(third!.lane)
        #expect(scheduler.next()?.item == 11)
        scheduler.finished(first!.lane)
        #expect(scheduler.next()?.item == 3)
        #expect(scheduler.next() == nil)
    }

    @Test("workers: no more than the run's limit, nor than could ever be busy at once")
    func usefulWorkers() {
        let lanes = (0..<500).map { Lane(controller: "c\($0)", items: [1, 2, 3, 4], cap: 8) }
        #expect(RotationScheduler.usefulWorkers(lanes, limit: 128) == 128)
        #expect(RotationScheduler.usefulWorkers(Array(lanes.prefix(3)), limit: 128) == 12)
        #expect(RotationScheduler<Int>.usefulWorkers([], limit: 128) == 1)
    }
}
