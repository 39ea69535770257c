import ArgumentParser
import Foundation
import InventoryStore
import Logging
import RotatorCore

/// What every command that changes tokens starts from: the policy, the inventory's run lock (SQLite: exit 3 when
/// another run holds it; a shared PostgreSQL inventory has claims instead), and the inventory itself.
struct LockedInventory {
    var policy: RotationPolicy
    var inventory: any InventoryDatabase

    /// Loads the policy, takes the lock, opens the inventory, runs `body`, then closes the inventory and releases
    /// the lock, whether or not `body` throws.
    static func with<T>(
        _ global: GlobalOptions, _ env: CommandEnvironment, _ body: (LockedInventory) async throws -> T
    ) async throws -> T {
        let policy = try global.loadPolicy(env)
        let location = global.inventoryLocation(env)
        let lock = try location.acquireRunLock()
        defer { lock?.release() }
        return try await location.openForWriting(env).closing { inventory in
            try await body(LockedInventory(policy: policy, inventory: inventory))
        }
    }
}
