import Foundation
@_spi(Testing) import InventoryStore
import RotatorCore
import Testing

/// SPEC §8.2: `audit`, `report`, `history` and `inventory list` never create or migrate an inventory.
@Suite("Read-only commands")
struct ReadOnlyCommandTests {
    static let readOnlyCommands: [[String]] = [
        ["audit"], ["report"], ["report", "--format", "prometheus"], ["history"], ["inventory", "list"],
        ["rotate", "--dry-run"],
    ]

    @Test("a missing inventory is exit 2 naming the path and migrate, and no file appears", arguments: readOnlyCommands)
    func missingInventory(arguments: [String]) async throws {
        let world = try TestWorld()
        try world.writePolicy(OfflineCommandTests.policy)
        let typo = world.path("typo.sqlite")
        let result = await world.run(arguments + ["--db", typo, "--policy", world.policyPath], withPaths: false)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(typo), "\(result.stderr)")
        #expect(result.stderr.contains("migrate"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.folder) == ["policy.yml"])
    }

    @Test("an outdated inventory is exit 2 asking for migrate, and stays unmigrated", arguments: readOnlyCommands)
    func outdatedInventory(arguments: [String]) async throws {
        let world = try await OfflineCommandTests.seededWorld()
        // Undo migration 0002 (its index and its record): the inventory as an older binary left it.
        let inventory = try world.inventory()
        try inventory.executeRawSQL("DROP INDEX tokens_active_by_created")
        try inventory.executeRawSQL("DELETE FROM grdb_migrations WHERE identifier = '0002_index_active_tokens_by_age'")
        try inventory.close()
        let before = try Inventory.dumpWithoutMigrating(path: world.database)
        let result = await world.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("token-rotator migrate --db \(world.database)"), "\(result.stderr)")
        #expect(try Inventory.dumpWithoutMigrating(path: world.database) == before)
        let migrated = await world.run(["migrate"])
        #expect(migrated.status == 0)
        #expect(await world.run(arguments).status != 2)
    }

    @Test("the read-only commands leave no -wal or -shm file beside a closed inventory")
    func noCompanionFiles() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        let before = try FileManager.default.contentsOfDirectory(atPath: world.folder).sorted()
        for arguments in Self.readOnlyCommands {
            _ = await world.run(arguments)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.folder).sorted() == before)
    }
}
