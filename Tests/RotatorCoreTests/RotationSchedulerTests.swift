import Testing

@testable import RotatorCore

@Suite("Rotation scheduler")
struct RotationSchedulerTests {
    typealias Lane = RotationScheduler<Int>.Lane

    /// `counts` lanes of `cap`, their items numbered across lanes, and the scheduler for the run's workers.
    static func scheduler(_ counts: [Int], cap: Int = 8, limit: Int = 128) -> (RotationScheduler<Int>, Int) {
        var first = 0
        let lanes = counts.enumerated().map { index, count in
            defer { first += count }
            return Lane(controller: "c\(index)", items: Array(first..<first + count), cap: cap)
        }
        let workers = RotationScheduler.usefulWorkers(lanes, limit: limit)
        return (RotationScheduler(lanes, workers: workers), workers)
    }

    /// Runs the scheduler in rounds: every worker takes an item (until told nil), then all of them finish.
    /// Returns the rounds, the items in the order handed out, and the most lanes busy in one round.
    static func rounds(_ counts: [Int], cap: Int = 8) -> (rounds: Int, items: [Int], busiestRound: Int) {
        let (scheduler, workers) = scheduler(counts, cap: cap)
        var rounds = 0
        var items: [Int] = []
        var busiest = 0
        while items.count < counts.reduce(0, +), rounds < 10_000 {
            var taken: [RotationScheduler<Int>.Assignment] = []
            while taken.count < workers, let assignment = scheduler.next() { taken.append(assignment) }
            busiest = max(busiest, scheduler.activeLanes)
            for assignment in taken { scheduler.finished(assignment.lane) }
            items += taken.map(\.item)
            rounds += 1
        }
        return (rounds, items, busiest)
    }

    @Test(
        "every item goes out once, no controller ever exceeds its cap, and nil means every one left is at its cap",
        arguments: [
            [3, 2], [40, 40, 40], [1_000, 10, 10, 10], [Int](repeating: 4, count: 18), [200, 5, 5, 80, 3, 0, 17], [1],
        ])
    func eachItemOnceWithinCaps(counts: [Int]) {
        let cap = 3
        let total = counts.reduce(0, +)
        let (scheduler, workers) = Self.scheduler(counts, cap: cap)
        let laneOf = counts.enumerated().flatMap { lane, count in [Int](repeating: lane, count: count) }
        var outstanding: [RotationScheduler<Int>.Assignment] = []
        var handedOut: [Int] = []
        var left = counts
        var step = 0
        while handedOut.count < total, step < 100_000 {
            step += 1
            // Finish items in a scrambled but fixed order.
            if outstanding.count == workers || (step % 3 == 0 && !outstanding.isEmpty) {
                scheduler.finished(outstanding.remove(at: (step * 7) % outstanding.count).lane)
            }
            guard outstanding.count < workers else { continue }
            if let assignment = scheduler.next() {
                #expect(laneOf[assignment.item] == assignment.lane)
                outstanding.append(assignment)
                handedOut.append(assignment.item)
                left[assignment.lane] -= 1
                let busy = outstanding.count { $0.lane == assignment.lane }
                #expect(busy <= cap, "lane \(assignment.lane) has \(busy) items out")
            } else {
                for lane in counts.indices where left[lane] > 0 {
                    #expect(outstanding.count { $0.lane == lane } == cap, "told nil while lane \(lane) has room")
                }
            }
        }
        #expect(handedOut.sorted() == Array(0..<total))
    }

    @Test("told nil only while every controller with items left is at its cap")
    func nilOnlyAtCaps() {
        let (scheduler, _) = Self.scheduler([3, 2], cap: 1)
        let first = scheduler.next()
        let second = scheduler.next()
        #expect(Set([first?.item, second?.item]) == [0, 3])
        #expect(scheduler.next() == nil)
        scheduler.finished(second!.lane)
        #expect(scheduler.next()?.item == 4)
        #expect(scheduler.next() == nil)
        scheduler.finished(first!.lane)
        #expect(scheduler.next()?.item == 1)
    }

    /// The run's request slots stay full to the end: the rounds needed are the items over the workers, as if
    /// no controller had a cap, while taking controllers strictly one after another needed (computed with
    /// the same rounds): 17 × 40 → 10 rounds, 50 × 40 → 20, 20 × 100 → 25, the mixed estate → 39.
    @Test(
        "controllers end together: as many rounds as the items over the workers",
        arguments: [
            ([Int](repeating: 40, count: 17), 6), ([Int](repeating: 40, count: 50), 16),
            ([Int](repeating: 100, count: 20), 16), ([Int](repeating: 4, count: 500), 16),
            (Array([[Int]](repeating: [200, 5, 5, 80, 3], count: 12).joined()), 28),
        ])
    func controllersEndTogether(counts: [Int], expected: Int) {
        #expect(Self.rounds(counts).rounds == expected)
    }

    @Test("a controller bigger than its stream does not hold the others back")
    func bigControllerDoesNotBlock() throws {
        // 1,000 items at cap 8 need 125 rounds whatever happens; the 9 small controllers go alongside.
        let result = Self.rounds([1_000] + [Int](repeating: 10, count: 9))
        #expect(result.rounds == 125)
        let smallDone = try #require(result.items.lastIndex { $0 >= 1_000 })
        #expect(smallDone < 200, "the small controllers' last item went out at position \(smallDone)")
    }

    @Test("busy controllers stay few however many the policy names")
    func fewControllersAtOnce() {
        // 128 workers at cap 8 fill 16 controllers; a stream may hold the tail of one and the head of the next.
        #expect(Self.rounds([Int](repeating: 40, count: 50)).busiestRound <= 32)
        #expect(Self.rounds([Int](repeating: 4, count: 5_000)).busiestRound <= 48)
    }

    @Test("workers: no more than the run's limit, nor than could ever be busy at once")
    func usefulWorkers() {
        let lanes = (0..<500).map { Lane(controller: "c\($0)", items: [1, 2, 3, 4], cap: 8) }
        #expect(RotationScheduler.usefulWorkers(lanes, limit: 128) == 128)
        #expect(RotationScheduler.usefulWorkers(Array(lanes.prefix(3)), limit: 128) == 12)
        #expect(RotationScheduler<Int>.usefulWorkers([], limit: 128) == 1)
        #expect(RotationScheduler<Int>([], workers: 1).next() == nil)
    }
}
