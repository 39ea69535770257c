import Dispatch
import Foundation
import Synchronization

/// Group commit for the rotation journal. Every rotation in flight records each step before its next side
/// effect; done one by one, each record costs a disk flush, and they queue behind each other. Here the records
/// that arrive while a commit is under way wait for the next one, which commits them all with a single flush.
/// A caller resumes only once its record is durable, so SPEC §4's ordering holds; a record that fails is
/// undone alone and its error goes to its caller. The work runs on a dedicated thread, never on Swift's
/// cooperative pool (one thread per core), which a disk flush would stall.
final class JournalWriter: Sendable {
    private struct Job: Sendable {
        /// Runs the record inside the batch; returns how to resume its caller once the batch is durable.
        let perform: @Sendable (any TokenInventory) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private let inventory: any TokenInventory
    private let queue = DispatchQueue(label: "token-rotator.journal")
    private let state = Mutex<(pending: [Job], draining: Bool)>(([], false))

    init(inventory: any TokenInventory) {
        self.inventory = inventory
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any TokenInventory) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                perform: { inventory in
                    let result = Result { try body(inventory) }
                    return { continuation.resume(with: result) }
                },
                fail: { continuation.resume(throwing: $0) })
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDrain { queue.async { self.drain() } }
        }
    }

    private func drain() {
        let jobs = state.withLock { state -> [Job] in
            let jobs = state.pending
            state.pending = []
            if jobs.isEmpty { state.draining = false }
            return jobs
        }
        guard !jobs.isEmpty else { return }
        var resumes: [@Sendable () -> Void] = []
        do {
            try inventory.inOneCommit {
                for job in jobs { resumes.append(job.perform(inventory)) }
            }
            for resume in resumes { resume() }
        } catch {
            for job in jobs { job.fail(error) }
        }
        queue.async { self.drain() }
    }
}
