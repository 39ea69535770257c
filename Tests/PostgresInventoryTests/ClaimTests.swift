import Foundation
@_spi(Testing) import PostgresInventory
import PostgresTestSupport
import RotatorCore
import RotatorTestSupport
import Testing

/// Claims (SPEC §8.11): rotators sharing one PostgreSQL inventory divide the tokens, under a lease kept by the
/// database's clock.
@Suite("PostgreSQL: claims on tokens")
struct ClaimTests {
    private let lease = TimeSpan(seconds: 600)

    private func startRun(_ inventory: PostgresInventory) async throws -> Int64 {
        try await inventory.startRun(RunEntry(started: addedAt, mode: "rotate"))
    }

    @Test("two runs cannot claim the same token; the holder renews its own claim")
    func exclusive() async throws {
        let inventory = try await PostgresCluster.freshInventory()
        let first = try await startRun(inventory)
        let second = try await startRun(inventory)
        #expect(try await inventory.claim(uuid: sampleUUID(1), runID: first, lease: lease))
        #expect(try await !inventory.claim(uuid: sampleUUID(1).uppercased(), runID: second, lease: lease))
        #expect(try await inventory.claim(uuid: sampleUUID(1), runID: first, lease: lease))
        #expect(try await inventory.claim(uuid: sampleUUID(2), runID: second, lease: lease))
        #expect(try await inventory.claimHolder(uuid: sampleUUID(1)) == first)
        #expect(try await inventory.claimHolder(uuid: sampleUUID(2)) == second)
        #expect(try await inventory.claimHolder(uuid: sampleUUID(3)) == nil)
    }

    @Test("a lease runs on the database's clock: once it expires, a run started after that takes the token")
    func expiredLease() async throws {
        let inventory = try await PostgresCluster.freshInventory()
        let crashed = try await startRun(inventory)
        let meanwhile = try await startRun(inventory)
        #expect(try await inventory.claim(uuid: sampleUUID(1), runID: crashed, lease: TimeSpan(seconds: 2)))
        #expect(try await !inventory.claim(uuid: sampleUUID(1), runID: meanwhile, lease: lease))
        try await Task.sleep(for: .milliseconds(2_200))
        #expect(try await inventory.claimHolder(uuid: sampleUUID(1)) == nil)
        // A run that began while the claim was live planned from a state the crashed run may have changed since.
        #expect(try await !inventory.claim(uuid: sampleUUID(1), runID: meanwhile, lease: lease))
        let next = try await startRun(inventory)
        #expect(try await inventory.claim(uuid: sampleUUID(1), runID: next, lease: lease))
        #expect(try await inventory.claimHolder(uuid: sampleUUID(1)) == next)
    }

    @Test("releasing frees a run's claims for the runs that start afterwards, and only its own")
    func release() async throws {
        let inventory = try await PostgresCluster.freshInventory()
        let first = try await startRun(inventory)
        let other = try await startRun(inventory)
        let before = try await startRun(inventory)
        for number in 1...3 { #expect(try await inventory.claim(uuid: sampleUUID(number), runID: first, lease: lease)) }
        #expect(try await inventory.claim(uuid: sampleUUID(9), runID: other, lease: lease))
        try await inventory.releaseClaims(runID: first)
        #expect(try await inventory.claimHolder(uuid: sampleUUID(1)) == nil)
        #expect(try await inventory.claimHolder(uuid: sampleUUID(9)) == other)
        // `before` began while `first` held the tokens: its plan for them may be stale (they may be rotated now).
        #expect(try await !inventory.claim(uuid: sampleUUID(1), runID: before, lease: lease))
        try await Task.sleep(for: .milliseconds(5))
        let after = try await startRun(inventory)
        for number in 1...3 { #expect(try await inventory.claim(uuid: sampleUUID(number), runID: after, lease: lease)) }
        #expect(try await !inventory.claim(uuid: sampleUUID(9), runID: after, lease: lease))
    }

    @Test("eight runs racing for the same 50 tokens: every token goes to exactly one of them")
    func race() async throws {
        let inventory = try await PostgresCluster.freshInventory()
        var runs: [Int64] = []
        for _ in 0..<8 { runs.append(try await startRun(inventory)) }
        let lease = self.lease
        let winners = try await withThrowingTaskGroup(of: [(Int, Int64)].self) { group in
            for run in runs {
                group.addTask {
                    var won: [(Int, Int64)] = []
                    for number in (1...50).shuffled()
                    where try await inventory.claim(uuid: sampleUUID(number), runID: run, lease: lease) {
                        won.append((number, run))
                    }
                    return won
                }
            }
            var all: [(Int, Int64)] = []
            for try await won in group { all += won }
            return all
        }
        #expect(winners.count == 50)
        #expect(Set(winners.map(\.0)).count == 50)
        for (number, run) in winners { #expect(try await inventory.claimHolder(uuid: sampleUUID(number)) == run) }
    }

    @Test("a claim for a run that does not exist fails and claims nothing")
    func unknownRun() async throws {
        let inventory = try await PostgresCluster.freshInventory()
        await #expect(throws: PostgresInventoryError.self) {
            _ = try await inventory.claim(uuid: sampleUUID(1), runID: 42, lease: lease)
        }
        #expect(try await inventory.claimHolder(uuid: sampleUUID(1)) == nil)
    }
}
