import Foundation
import PostgresInventory
import PostgresTestSupport
import RotatorCore
import Testing

/// The two inventories behind `--db`, for suites that run the same commands over both.
enum InventoryBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    /// A `--db` argument naming a new, empty inventory: nil keeps the world's SQLite file; else a new database on
    /// the test process's PostgreSQL cluster.
    func makeInventoryArgument() async throws -> String? {
        switch self {
        case .sqlite: nil
        case .postgresql: try await PostgresCluster.shared().makeDatabase()
        }
    }
}

/// The commands over either inventory (SPEC §8.11): the same outputs and exit codes over SQLite and PostgreSQL,
/// end to end against jenkins-sim.
@Suite("Commands over both inventories")
struct InventoryBackendCommandTests {
    /// A valid policy whose controller is never contacted: the commands under test only read the inventory.
    static let offlinePolicy = """
        version: 1
        controllers:
          ci:
            url: https://jenkins.example.com/
            mode: self
        defaults:
          deliver:
            - file: { path: "/nonexistent/{user}.token" }
        """

    typealias Seed = RotationScenario.Seed

    @Test("rotate, history, report, list and audit", arguments: InventoryBackend.allCases)
    func rotation(backend: InventoryBackend) async throws {
        let scenario = try await RotationScenario.make(
            seeds: [Seed(user: "alice", name: "ci", ageDays: 120), Seed(user: "bob", name: "laptop", ageDays: 5)],
            inventory: try await backend.makeInventoryArgument())
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let (result, _, newUUID, newValue) = try await scenario.rotateExpectingOne(alice)

        let history = await scenario.world.run(["history", "--format", "json"])
        #expect(history.status == 0, "\(history.stderr)")
        let rows = try #require(try decodeJSON(history.stdout) as? [[String: Any]])
        #expect(rows.map { $0["new_uuid"] as? String } == [newUUID])
        let report = await scenario.world.run(["report", "--format", "json", "--all"])
        let reported = try #require(try decodeJSON(report.stdout) as? [[String: Any]])
        let states = Dictionary(
            uniqueKeysWithValues: reported.map { ($0["uuid"] as? String ?? "", $0["state"] as? String) })
        #expect(states == [alice.uuid: "revoked", newUUID: "active", scenario.tokens[1].uuid: "active"])
        let list = await scenario.world.run(["inventory", "list", "--format", "json"])
        #expect((try decodeJSON(list.stdout) as? [Any])?.count == 3)
        let audit = await scenario.world.run(["audit", "--format", "json"])
        #expect(audit.status == 0, "\(audit.stderr)")

        let again = await scenario.world.run(["rotate", "--format", "json"])
        #expect(again.status == 0)
        #expect((try decodeJSON(again.stdout) as? [String: Any])?["rotated"] as? Int == 0)
        try scenario.expectNoSecretLeaks([result, history, report, again], extra: [newValue])
    }

    @Test("report, audit and list print the same bytes over SQLite and PostgreSQL")
    func sameOutputs() async throws {
        var outputs: [InventoryBackend: [String]] = [:]
        for backend in InventoryBackend.allCases {
            let world = try TestWorld()
            world.inventoryArgument = try await backend.makeInventoryArgument()
            world.now = Timestamp.parse("2026-12-01T03:00:00Z")
            try world.writePolicy(
                """
                version: 1
                controllers:
                  ci: { url: "http://127.0.0.1:9/", auth: { user: admin, password_env: NOPE } }
                defaults: { max_age: 90d, rotate_before: 14d, deliver: [ { file: { path: /tmp/x } } ] }
                """)
            let csv = try world.write(
                """
                controller,user,name,uuid,created
                ci,alice,ci,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-07-01T00:00:00Z
                ci,bob,laptop,1b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e11,2026-11-20T12:30:00.250Z
                ci,carol,old,2b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e12,2025-01-01T00:00:00Z

                """, to: "seed.csv")
            let imported = await world.run(["inventory", "import", csv])
            #expect(imported.status == 0, "\(imported.stderr)")
            var texts: [String] = []
            for arguments in [
                ["report", "--format", "json"], ["report", "--format", "csv"], ["report", "--format", "prometheus"],
                ["audit", "--format", "json"], ["inventory", "list", "--format", "csv"],
            ] {
                let outcome = await world.run(arguments)
                texts.append("\(arguments.joined(separator: " ")) → \(outcome.status)\n\(outcome.stdout)")
            }
            outputs[backend] = texts
        }
        let sqlite = try #require(outputs[.sqlite])
        let postgresql = try #require(outputs[.postgresql])
        for (one, other) in zip(sqlite, postgresql) { #expect(one == other) }
        #expect(sqlite.first?.contains("→ 4") == true, "carol's token is overdue: exit 4")
    }

    @Test("a read-only command refuses an unmigrated PostgreSQL database, naming migrate; migrate fixes it")
    func readOnlyNeedsMigrate() async throws {
        let world = try TestWorld()
        world.inventoryArgument = try await PostgresCluster.shared().makeDatabase()
        try world.writePolicy(Self.offlinePolicy)
        let report = await world.run(["report"])
        #expect(report.status == 2)
        #expect(report.stderr.contains("migrate"), "\(report.stderr)")
        #expect(!report.stderr.contains("postgres@") || !report.stderr.contains("password"))
        let migrate = await world.run(["migrate"])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout == "schema version: \(PostgresInventory.knownMigrations.last!)\n")
        #expect(await world.run(["report"]).status == 0)
    }

    @Test("$TOKEN_ROTATOR_DB selects PostgreSQL; a password in the URL is refused before anything connects")
    func environmentAndPasswordlessURL() async throws {
        let world = try TestWorld()
        let url = try await PostgresCluster.shared().makeDatabase()
        try world.writePolicy(Self.offlinePolicy)
        world.variables["TOKEN_ROTATOR_DB"] = url
        let migrate = await world.run(["migrate", "--policy", world.policyPath], withPaths: false)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        world.variables["TOKEN_ROTATOR_DB"] = url.replacingOccurrences(of: "postgres@", with: "postgres:hunter2@")
        let refused = await world.run(["report", "--policy", world.policyPath], withPaths: false)
        #expect(refused.status == 2)
        #expect(!refused.stderr.contains("hunter2"), "\(refused.stderr)")
        #expect(refused.stderr.contains("password"), "\(refused.stderr)")
    }

    @Test("inventory copy --to moves an SQLite inventory, history included, into an empty PostgreSQL one")
    func copyToPostgres() async throws {
        let scenario = try await RotationScenario.make(
            seeds: [Seed(user: "alice", name: "ci", ageDays: 120), Seed(user: "bob", name: "laptop", ageDays: 5)])
        defer { Task { await scenario.stop() } }
        let world = scenario.world
        #expect(await world.run(["rotate"]).status == 0)
        let url = try await PostgresCluster.shared().makeDatabase()
        let before = try world.databaseDump()
        var copied = await world.run(["inventory", "copy", "--to", url])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stderr.contains("copied 3 tokens, 1 runs"), "\(copied.stderr)")
        #expect(try world.databaseDump() == before, "the SQLite inventory is only read")

        var fromSQLite: [String] = []
        var fromPostgres: [String] = []
        // One instant for both, so that ages cannot differ by the second that passes between them.
        let asOf = ["--as-of", Timestamp.format(Date())]
        for arguments in [["history", "--format", "json"] + asOf, ["report", "--format", "json", "--all"] + asOf] {
            fromSQLite.append(await world.run(arguments).stdout)
            world.inventoryArgument = url
            fromPostgres.append(await world.run(arguments).stdout)
            world.inventoryArgument = nil
        }
        #expect(fromSQLite == fromPostgres)

        copied = await world.run(["inventory", "copy", "--to", url])
        #expect(copied.status == 2)
        #expect(copied.stderr.contains("empty"), "\(copied.stderr)")
        world.inventoryArgument = url
        let wrongWay = await world.run(["inventory", "copy", "--to", url])
        #expect(wrongWay.status == 2)
        #expect(wrongWay.stderr.contains("SQLite"), "\(wrongWay.stderr)")
        // A rotation on PostgreSQL goes on from the copied history: nothing is due again.
        let rotate = await world.run(["rotate", "--format", "json"])
        #expect(rotate.status == 0, "\(rotate.stderr)")
        #expect((try decodeJSON(rotate.stdout) as? [String: Any])?["rotated"] as? Int == 0)
    }

    /// 1,500 rows, line 1,501 repeating line 2: on PostgreSQL the repeat is in a later 1,000-row chunk than the line
    /// it repeats (the command finds that line in the file), on SQLite the staging query names it.
    @Test(
        "a uuid repeated far down a file names its first line over both inventories; nothing is imported",
        arguments: InventoryBackend.allCases)
    func repeatAcrossChunks(backend: InventoryBackend) async throws {
        let world = try TestWorld()
        world.inventoryArgument = try await backend.makeInventoryArgument()
        try world.writePolicy(Self.offlinePolicy)
        let uuids = (0..<1_500).map { _ in UUID().uuidString.lowercased() }
        var csv = "controller,user,name,uuid,created\n"
        for (index, uuid) in uuids.enumerated() { csv += "ci,u\(index),n,\(uuid),2026-01-01\n" }
        csv += "ci,late,n,\(uuids[0]),2026-01-01\n"
        let file = try world.write(csv, to: "big.csv")
        let result = await world.run(["inventory", "import", file])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("big.csv:1502: uuid \(uuids[0]) already appears on line 2"), "\(result.stderr)")
        let list = await world.run(["inventory", "list", "--format", "json"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect((try decodeJSON(list.stdout) as? [[String: Any]])?.isEmpty == true)
    }

    @Test("inventory remove and revoke over PostgreSQL", arguments: InventoryBackend.allCases)
    func removeAndRevoke(backend: InventoryBackend) async throws {
        let scenario = try await RotationScenario.make(
            seeds: [Seed(user: "alice", name: "ci", ageDays: 10), Seed(user: "bob", name: "laptop", ageDays: 5)],
            inventory: try await backend.makeInventoryArgument())
        defer { Task { await scenario.stop() } }
        let world = scenario.world
        let (alice, bob) = (scenario.tokens[0], scenario.tokens[1])
        let revoke = await world.run(["revoke", "--uuid", alice.uuid])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(try await !scenario.authenticates(alice.value, as: "alice"))
        let remove = await world.run(["inventory", "remove", "--uuid", bob.uuid])
        #expect(remove.status == 0, "\(remove.stderr)")
        let unknown = await world.run(["inventory", "remove", "--uuid", bob.uuid])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no token with uuid \(bob.uuid)"), "\(unknown.stderr)")
        let list = await world.run(["inventory", "list", "--format", "json"])
        let rows = try #require(try decodeJSON(list.stdout) as? [[String: Any]])
        #expect(rows.map { $0["uuid"] as? String } == [alice.uuid])
        #expect(rows.first?["state"] as? String == "revoked")
    }

    @Test("revoke and inventory remove leave a token another rotator has claimed alone (exit 2, nothing changed)")
    func claimedTokenIsLeftAlone() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        let scenario = try await RotationScenario.make(
            seeds: [Seed(user: "alice", name: "ci", ageDays: 10)], inventory: url)
        defer { Task { await scenario.stop() } }
        let world = scenario.world
        let alice = scenario.tokens[0]
        let other = try await PostgresInventory.open(url: url, environment: [:])
        let run = try await other.startRun(RunEntry(started: Date(), mode: "rotate"))
        #expect(try await other.claim(uuid: alice.uuid, runID: run, lease: TimeSpan(seconds: 600)))
        let list = ["inventory", "list", "--format", "json", "--as-of", Timestamp.format(Date())]
        let before = await world.run(list)
        for arguments in [["revoke", "--uuid", alice.uuid], ["inventory", "remove", "--uuid", alice.uuid]] {
            let refused = await world.run(arguments)
            #expect(refused.status == 2, "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("claimed by run \(run)"), "\(refused.stderr)")
        }
        #expect(try await scenario.authenticates(alice.value, as: "alice"))
        #expect(await world.run(list).stdout == before.stdout)
        try await other.releaseClaims(runID: run)
        await other.close()
        #expect(await world.run(["revoke", "--uuid", alice.uuid]).status == 0)
    }
}
