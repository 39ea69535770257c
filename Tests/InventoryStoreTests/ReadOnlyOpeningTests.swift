import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

@_spi(Testing) @testable import InventoryStore

/// SPEC §8.2: the read-only commands open the inventory without creating, migrating or locking anything.
@Suite("Opening the inventory read-only")
struct ReadOnlyOpeningTests {
    /// The names in `folder`, sorted: proof that nothing was created.
    static func listing(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    /// An inventory with one token, written and closed (no -wal or -shm left beside it).
    static func writeClosedInventory(at path: String) throws {
        let writer = try Inventory.open(path: path)
        try writer.add(sampleToken(1), addedAt: addedAt)
        try writer.close()
    }

    @Test("a missing inventory is an error naming the path and migrate, and no file is created")
    func missingFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/typo.sqlite"
            let nothing: [String] = try Self.listing(folder)
            let error = #expect(throws: InventoryError.self) { try Inventory.openReadOnly(path: path) }
            #expect(error == .missing(path: path))
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("migrate") == true)
            #expect(try Self.listing(folder) == nothing)
            #expect(nothing.isEmpty)
        }
    }

    @Test("an inventory with a pending migration is refused, asking for migrate, and left as it was")
    func outdatedSchema() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let inventory = try Inventory.open(path: path)
            try inventory.add(sampleToken(1), addedAt: addedAt)
            let last = try #require(Inventory.knownMigrations.last)
            try inventory.executeRawSQL("DELETE FROM grdb_migrations WHERE identifier = '\(last)'")
            try inventory.close()
            let before = try Inventory.dumpWithoutMigrating(path: path)
            let error = #expect(throws: InventoryError.self) { try Inventory.openReadOnly(path: path) }
            #expect(error == .schemaOutdated(path: path, pending: [last]))
            #expect(error?.description.contains("token-rotator migrate --db \(path)") == true)
            #expect(try Inventory.dumpWithoutMigrating(path: path) == before)
        }
    }

    @Test("an inventory migrated by a newer binary is refused as too new")
    func newerSchema() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let inventory = try Inventory.open(path: path)
            try inventory.executeRawSQL("INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')")
            try inventory.close()
            let error = #expect(throws: InventoryError.self) { try Inventory.openReadOnly(path: path) }
            #expect(error == .schemaTooNew(path: path, migration: "9999_from_the_future"))
        }
    }

    @Test("a closed inventory is read immutable: rows come back and no -wal or -shm file is created")
    func closedInventoryIsImmutable() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            try Self.writeClosedInventory(at: path)
            let before = try Self.listing(folder)
            #expect(before == ["inventory.sqlite"])
            #expect(Inventory.readOnlyMode(path: path) == .immutable)
            let reader = try Inventory.openReadOnly(path: path)
            #expect(try reader.tokens().map(\.uuid) == [sampleUUID(1)])
            try reader.close()
            #expect(try Self.listing(folder) == before)
        }
    }

    @Test("while a writer has the inventory open, the reader sees its committed rows through the WAL")
    func openWriterIsReadThroughTheWAL() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let writer = try Inventory.open(path: path)
            try writer.add(sampleToken(1), addedAt: addedAt)
            #expect(Inventory.readOnlyMode(path: path) == .readOnly)
            let reader = try Inventory.openReadOnly(path: path)
            try writer.add(sampleToken(2), addedAt: addedAt)
            #expect(try reader.tokens().map(\.uuid) == [sampleUUID(1), sampleUUID(2)])
            #expect(throws: InventoryError.self) { try reader.executeRawSQL("DELETE FROM tokens") }
            try reader.close()
            try writer.close()
        }
    }

    @Test("a file and folder this process cannot write are read, and stay byte for byte the same")
    func unwritableFileAndFolder() throws {
        try withTemporaryFolder { folder in
            let locked = folder + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            let path = locked + "/inventory.sqlite"
            try Self.writeClosedInventory(at: path)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            // As root, chmod proves nothing (root ignores modes): the immutable flag (chattr +i) does.
            guard makeUnwritable(path, mode: 0o400), makeUnwritable(locked, mode: 0o500) else {
                Issue.record("cannot make a file read-only here (root without chattr)")
                return
            }
            let reader = try Inventory.openReadOnly(path: path)
            #expect(try reader.tokens().map(\.uuid) == [sampleUUID(1)])
            try reader.close()
            #expect(try Self.listing(locked) == ["inventory.sqlite"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }

    @Test("a path with characters that mean something in a URI still opens the right file")
    func uriEscaping() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/odd ?name#1%.sqlite"
            try Self.writeClosedInventory(at: path)
            let reader = try Inventory.openReadOnly(path: path)
            #expect(try reader.tokens().count == 1)
            try reader.close()
            #expect(try Self.listing(folder) == ["odd ?name#1%.sqlite"])
        }
    }
}
