import ArgumentParser
import Foundation
import InventoryStore
import Logging
import RotatorCore

/// What every command that changes tokens starts from: the policy, the inventory's run lock (exit 3 when
/// another run holds it), and the inventory itself. The lock is held until ``release()`` or deinit.
struct LockedInventory {
    var policy: RotationPolicy
    var lock: InventoryLock
    var inventory: Inventory

    init(_ global: GlobalOptions, _ env: CommandEnvironment) throws {
        policy = try global.loadPolicy(env)
        let path = global.databasePath(env)
        lock = try InventoryLock.acquire(forDatabaseAt: path)
        inventory = try Inventory.open(path: path) { env.logger.warning("\($0)") }
    }

    func release() {
        lock.release()
    }
}
