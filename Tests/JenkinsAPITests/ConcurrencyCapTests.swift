import Foundation
import JenkinsSimulator
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("Concurrency cap")
struct ConcurrencyCapTests {
    @Test("the simulator never holds more requests of one client than its concurrency")
    func neverMoreThanCap() async throws {
        let cap = 3
        let calls = 10
        try await Harness.run(concurrency: cap) { jenkins in
            try await jenkins.simulator.addFault("whoami:hold-before,count=\(calls)")
            let client = jenkins.client!
            let work = Task {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<calls { group.addTask { try await client.whoAmI(Seed.alice) } }
                    var names: [String] = []
                    for try await name in group { names.append(name) }
                    return names
                }
            }
            let peak = try await jenkins.releaseHeldRequests(calls, cap: cap)
            #expect(try await work.value.count == calls)
            #expect(peak == cap)
        }
    }

    @Test("clients sharing the run's slots never hold more requests together than max_requests_in_flight")
    func runWideCap() async throws {
        let runCap = 3
        let perClient = 10
        try await Harness.run { jenkins in
            // Three controllers' clients (one simulator serves them all), each allowed 4 requests at once: 12
            // could be in flight without the run-wide cap.
            let slots = RequestSlots(limit: runCap)
            let clients = (0..<3).map { _ in jenkins.makeClient(concurrency: 4, sharedSlots: slots) }
            let calls = perClient * clients.count
            try await jenkins.simulator.addFault("whoami:hold-before,count=\(calls)")
            let work = Task {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for client in clients {
                        for _ in 0..<perClient { group.addTask { try await client.whoAmI(Seed.alice) } }
                    }
                    var names: [String] = []
                    for try await name in group { names.append(name) }
                    return names
                }
            }
            let peak = try await jenkins.releaseHeldRequests(calls, cap: runCap)
            #expect(try await work.value.count == calls)
            #expect(peak == runCap)
            #expect(slots.inUse == 0)
        }
    }

    @Test("the semaphore hands permits over in order and never exceeds its limit")
    func semaphore() async throws {
        let semaphore = AsyncSemaphore(limit: 2)
        let peak = PeakCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await semaphore.withPermit {
                        peak.enter()
                        try await Task.sleep(for: .milliseconds(2))
                        peak.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.peak == 2)
        #expect(semaphore.inUse == 0)
    }
}

extension Harness {
    /// Lets `calls` held requests through, round by round, checking that no round holds more than `cap` at once;
    /// returns the most held at once.
    func releaseHeldRequests(_ calls: Int, cap: Int) async throws -> Int {
        var released = 0
        var peak = 0
        while released < calls {
            await simulator.waitUntilHeld()
            // Wait (bounded) for every request this round may have in flight, then a little longer so that one
            // over the cap would show up too.
            let expected = min(cap, calls - released)
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(5)
            while await simulator.heldCount() < expected, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(50))
            let held = await simulator.heldCount()
            peak = max(peak, held)
            #expect(held <= cap)
            released += held
            await simulator.releaseHeld()
        }
        return peak
    }
}

final class PeakCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0

    func enter() {
        lock.lock()
        current += 1
        peak = max(peak, current)
        lock.unlock()
    }

    func leave() {
        lock.lock()
        current -= 1
        lock.unlock()
    }
}
