import Dispatch
import Locking
import RotatorCore

/// Commits the inventory writes of concurrent rotations on one dedicated thread, together ("group commit").
///
/// Each write still returns only once it is durably committed, so every rotation keeps its rule of recording a
/// step before the side effect that follows it. But while one commit waits for the disk, the writes that arrive
/// queue up, and the next commit takes them all in one transaction: one flush and one copy of each shared page
/// instead of one per write. Under load the groups grow by themselves; alone, a write commits by itself.
///
/// The thread is a dedicated one because a commit blocks on `fdatasync`: on the thread that runs the rotations
/// (the event loop in `token-rotator`, Swift's cooperative pool elsewhere) it would stall every rotation in flight.
final class JournalWriter: Sendable {
    private let inventory: Inventory
    private let queue = DispatchQueue(label: "token-rotator.journal")
    private let pending = LockedValue(Pending())

    private struct Pending {
        var writes: [PendingWrite] = []
        var draining = false
    }

    private struct PendingWrite: Sendable {
        /// Runs the write inside the current transaction, keeping its result for `finish`.
        let perform: @Sendable (Inventory) throws -> Void
        /// Resumes the caller: with the kept result, or with the error.
        let finish: @Sendable ((any Error)?) -> Void
    }

    init(inventory: Inventory) {
        self.inventory = inventory
    }

    /// Runs `body` against the inventory and returns once what it wrote is committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Inventory) throws -> T) async throws -> T {
        let result = ResultSlot<T>()
        return try await withCheckedThrowingContinuation { continuation in
            submit(
                PendingWrite(
                    perform: { inventory in
                        let value = try body(inventory)
                        result.value.withLock { $0 = value }
                    },
                    finish: { error in
                        if let error {
                            continuation.resume(throwing: error)
                        } else {
                            continuation.resume(returning: result.value.withLock { $0! })
                        }
                    }))
        }
    }

    /// Writes waiting for the next commit (tests).
    var waitingWrites: Int { pending.withLock { $0.writes.count } }

    private func submit(_ write: PendingWrite) {
        let startDraining = pending.withLock { pending in
            pending.writes.append(write)
            guard !pending.draining else { return false }
            pending.draining = true
            return true
        }
        if startDraining { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            let group = pending.withLock { pending in
                let group = pending.writes
                pending.writes = []
                if group.isEmpty { pending.draining = false }
                return group
            }
            if group.isEmpty { return }
            commit(group)
        }
    }

    private func commit(_ group: [PendingWrite]) {
        guard group.count > 1 else {
            group.forEach(commitAlone)
            return
        }
        do {
            try inventory.inOneTransaction {
                for write in group { try write.perform(inventory) }
            }
            for write in group { write.finish(nil) }
        } catch {
            // Nothing of the group was kept. Each write runs again alone, so that only a failing one fails.
            group.forEach(commitAlone)
        }
    }

    private func commitAlone(_ write: PendingWrite) {
        do {
            try write.perform(inventory)
            write.finish(nil)
        } catch {
            write.finish(error)
        }
    }
}

/// Where a write's result waits between its transaction and its commit.
private final class ResultSlot<T: Sendable>: Sendable {
    let value = LockedValue<T?>(nil)
}
