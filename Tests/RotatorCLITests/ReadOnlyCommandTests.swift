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

/// The same, as a real user who is not root: `runuser` runs the built binary as `nobody` with primary group
/// `root`, the group that owns the test's files (mode 0640, folder 0750): read access, no write access anywhere.
@Suite(
    "Read-only commands as a user who may only read",
    .enabled(
        if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
        "needs root and runuser to switch to an unprivileged user: skipped"))
struct ReadOnlyUserTests {
    static func reportAsReader(_ world: TestWorld) throws -> (status: Int32, rows: Int, stderr: String) {
        for (path, mode) in [(world.folder, 0o750), (world.database, 0o640), (world.policyPath, 0o640)] {
            try FileManager.default.setAttributes(
                [.posixPermissions: mode, .groupOwnerAccountID: 0], ofItemAtPath: path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        process.arguments = [
            "-u", "nobody", "-g", "root", "--", builtExecutable("token-rotator"), "report", "--format", "json",
            "--db", world.database, "--policy", world.policyPath, "--as-of", "2026-06-01T00:00:00Z",
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let rows = (try? JSONSerialization.jsonObject(with: stdout) as? [Any])?.count ?? -1
        return (process.terminationStatus, rows, String(decoding: stderr, as: UTF8.self))
    }

    @Test("a closed inventory is read through immutable=1, and the folder stays as it was")
    func closedInventory() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        let before = try FileManager.default.contentsOfDirectory(atPath: world.folder).sorted()
        let result = try Self.reportAsReader(world)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.rows == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.folder).sorted() == before)
    }

    @Test("while a writer holds the inventory open, its committed rows are read through the WAL (mode=ro)")
    func openWriter() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        let writer = try world.inventory()
        defer { try? writer.close() }
        try writer.add(
            InventoryToken(
                controller: "ci-main", user: "dave", name: "new", uuid: "5f6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e15",
                created: Timestamp.parse("2026-05-30T00:00:00Z")!), addedAt: Date())
        #expect(FileManager.default.fileExists(atPath: world.database + "-wal"))
        for suffix in ["-wal", "-shm"] {
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o640, .groupOwnerAccountID: 0], ofItemAtPath: world.database + suffix)
        }
        let result = try Self.reportAsReader(world)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.rows == 5)
    }
}
