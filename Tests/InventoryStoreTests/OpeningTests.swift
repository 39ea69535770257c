import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

@_spi(Testing) @testable import InventoryStore

@Suite("Opening and migrating the inventory")
struct OpeningTests {
    @Test("every file in migrations/ is embedded and registered, in file-name order, with the same text")
    func everyMigrationIsRegistered() throws {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = repository.appendingPathComponent("migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        let stems = files.map { String($0.dropLast(".sql".count)) }
        #expect(!stems.isEmpty)
        #expect(Inventory.knownMigrations == stems)
        for (file, embedded) in zip(files, Inventory.embeddedMigrationSQL) {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(embedded.sql == text, "\(file) differs from its embedded copy: rebuild")
        }
        for stem in stems {
            #expect(stem.wholeMatch(of: /[0-9]{4}_[a-z0-9]+(_[a-z0-9]+)+/) != nil, "\(stem) is not NNNN_verb_noun")
        }
    }

    @Test("a new database file gets mode 0600, WAL, foreign keys, and the latest schema version")
    func freshDatabase() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let inventory = try Inventory.open(path: path)
            #expect(fileMode(path) == 0o600)
            for suffix in ["-wal", "-shm"] {
                if let mode = fileMode(path + suffix) {
                    #expect(mode & 0o077 == 0, "\(suffix) is readable by others: \(String(mode, radix: 8))")
                }
            }
            #expect(try inventory.pragma("journal_mode") == "wal")
            #expect(try inventory.pragma("foreign_keys") == "1")
            #expect(try inventory.pragma("synchronous") == "2")
            #expect(try inventory.schemaVersion == Inventory.knownMigrations.last)
        }
    }

    @Test("opening an existing inventory again keeps its rows and applies nothing twice")
    func reopening() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let first = try Inventory.open(path: path)
            try first.add(sampleToken(1), addedAt: addedAt)
            try first.close()
            let second = try Inventory.open(path: path)
            #expect(try second.tokens().map(\.uuid) == [sampleUUID(1)])
            #expect(try second.schemaVersion == Inventory.knownMigrations.last)
        }
    }

    @Test("an in-memory inventory is migrated and usable")
    func inMemory() throws {
        let inventory = try Inventory.inMemory()
        #expect(try inventory.schemaVersion == Inventory.knownMigrations.last)
        try inventory.add(sampleToken(1), addedAt: addedAt)
        #expect(try inventory.token(uuid: sampleUUID(1))?.name == "token-1")
    }

    @Test("a database migrated by a newer token-rotator is refused before anything changes")
    func newerSchemaIsRefused() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let inventory = try Inventory.open(path: path)
            try inventory.executeRawSQL("INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')")
            let before = try inventory.dumpAllRows()
            try inventory.close()

            let error = #expect(throws: InventoryError.self) { try Inventory.open(path: path) }
            #expect(error == .schemaTooNew(path: path, migration: "9999_from_the_future"))
            #expect(
                error?.description.contains(
                    "database schema is newer than this token-rotator: it has migration 9999_from_the_future; "
                        + "upgrade token-rotator") == true)

            // Nothing was changed: read the file without migrating it.
            #expect(try Inventory.dumpWithoutMigrating(path: path) == before)
        }
    }

    @Test("a file that is not a database gives a clear error and is left alone")
    func corruptFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            try garbage.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: InventoryError.self) { try Inventory.open(path: path) }
            guard case .notADatabase(let errorPath, _) = error else {
                Issue.record("expected notADatabase, got \(String(describing: error))")
                return
            }
            #expect(errorPath == path)
            #expect(error?.description.contains("not an SQLite database") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        }
    }

    @Test("a missing folder is named in the error")
    func missingFolder() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/absent/inventory.sqlite"
            let error = #expect(throws: InventoryError.self) { try Inventory.open(path: path) }
            #expect(error == .folderMissing(path: path, folder: folder + "/absent"))
        }
    }

    @Test("a read-only database file gives a clear error and stays unchanged")
    func readOnlyFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let inventory = try Inventory.open(path: path)
            try inventory.add(sampleToken(1), addedAt: addedAt)
            try inventory.close()
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            guard makeUnwritable(path, mode: 0o400) else {
                Issue.record("cannot make a file read-only here (root without chattr)")
                return
            }
            let error = #expect(throws: InventoryError.self) { try Inventory.open(path: path) }
            #expect(error == .readOnlyFile(path: path))
            #expect(error?.description.contains("read-only") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }

    @Test("a read-only folder is named in the error when the database would be created in it")
    func readOnlyFolder() throws {
        try withTemporaryFolder { folder in
            let locked = folder + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            guard makeUnwritable(locked, mode: 0o500) else {
                Issue.record("cannot make a folder read-only here (root without chattr)")
                return
            }
            let path = locked + "/inventory.sqlite"
            let error = #expect(throws: InventoryError.self) { try Inventory.open(path: path) }
            #expect(error == .readOnlyFolder(path: path, folder: locked))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}

@Suite("Another process holding the database")
struct BusyTests {
    @Test("a write while another process holds the write lock fails as busy and changes nothing")
    func busyDatabase() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/inventory.sqlite"
            let inventory = try Inventory.open(path: path, busyTimeout: 0.05)
            try inventory.add(sampleToken(1), addedAt: addedAt)
            let before = try inventory.dumpAllRows()

            // The sqlite3 shell takes the write lock and keeps it until its stdin closes.
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            shell.arguments = [path]
            let input = Pipe()
            let output = Pipe()
            shell.standardInput = input
            shell.standardOutput = output
            try shell.run()
            defer {
                try? input.fileHandleForWriting.close()
                shell.waitUntilExit()
            }
            input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'held';\n".utf8))
            #expect(String(decoding: output.fileHandleForReading.readData(ofLength: 5), as: UTF8.self) == "held\n")

            let error = #expect(throws: InventoryError.self) {
                try inventory.add(sampleToken(2), addedAt: addedAt)
            }
            #expect(error == .busy(path: path))
            #expect(error?.description.contains("locked by another process") == true)
            try input.fileHandleForWriting.close()
            shell.waitUntilExit()
            #expect(try inventory.dumpAllRows() == before)
            try inventory.add(sampleToken(2), addedAt: addedAt)
        }
    }
}
