import Foundation
import InventoryStore
import RotatorCore
import Testing

/// `audit`, `report`, `history`, `inventory` and `migrate`: everything that works without Jenkins.
@Suite("Offline commands")
struct OfflineCommandTests {
    static let policy = """
        version: 1
        controllers:
          ci-main:
            url: https://ci.example.com/
            auth: { user: rotation-admin, token_env: CI_MAIN_ADMIN_TOKEN }
          ci-edge:
            url: https://edge.example.com/
            auth: { user: rotation-admin, token_env: CI_EDGE_ADMIN_TOKEN }
        defaults:
          max_age: 90d
          rotate_before: 14d
          deliver:
            - file: { path: "/var/lib/token-rotator/{controller}/{user}/{name}.token" }
        rules:
          - match: { user: "svc-*" }
            max_age: 30d
            rotate_before: 7d
          - match: { user: admin }
            skip: true
        limits:
          max_rotations: 100

        """

    static let csv = """
        controller,user,name,uuid,created
        ci-main,alice,ci,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-05T00:00:00Z
        ci-main,svc-deploy,deploy,1c6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e11,2026-05-05T00:00:00Z
        ci-edge,bob,laptop,2d6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e12,2026-05-25T00:00:00Z
        ci-edge,admin,root,3e6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e13,2024-01-01T00:00:00Z

        """

    /// A world with the policy above and four imported tokens, evaluated as of 2026-06-01.
    static func seededWorld() async throws -> TestWorld {
        let world = try TestWorld()
        try world.writePolicy(policy)
        let file = try world.write(csv, to: "tokens.csv")
        let imported = await world.run(["inventory", "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        world.now = Timestamp.parse("2026-06-01T00:00:00Z")
        return world
    }

    @Test("audit prints one JSON row per token with the spec's keys, and exits 4 when a managed token is overdue")
    func auditJSON() async throws {
        let world = try await Self.seededWorld()
        let result = await world.run(["audit", "--format", "json"])
        #expect(result.status == 4)
        let rows = try #require(try decodeJSON(result.stdout) as? [[String: Any]])
        #expect(rows.count == 4)
        for key in [
            "controller", "user", "name", "uuid", "created", "age_seconds", "due", "overdue", "action", "reason",
            "rule",
        ] {
            #expect(rows.allSatisfy { $0.keys.contains(key) }, "missing \(key)")
        }
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as! String, $0) })
        #expect(byName["ci"]?["action"] as? String == "rotate")
        #expect(byName["ci"]?["overdue"] as? Bool == true)
        #expect(byName["ci"]?["age_seconds"] as? Int == 147 * 86_400)
        #expect(byName["ci"]?["due"] as? String == "2026-03-22T00:00:00Z")
        #expect(byName["deploy"]?["action"] as? String == "rotate")
        #expect(byName["deploy"]?["rule"] as? String == "rules[0] {user: svc-*}")
        #expect(byName["deploy"]?["overdue"] as? Bool == false)
        #expect(byName["laptop"]?["action"] as? String == "none")
        #expect(byName["root"]?["action"] as? String == "skip")
        #expect(byName["root"]?["overdue"] as? Bool == true)
    }

    @Test("audit exits 0 when nothing managed is overdue, and needs no secrets")
    func auditClean() async throws {
        let world = try await Self.seededWorld()
        world.now = Timestamp.parse("2026-01-06T00:00:00Z")
        let result = await world.run(["audit"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ACTION"))
        #expect(result.stdout.contains("tokens:"))
    }

    @Test("rotate --dry-run prints exactly what audit prints and exits the same way")
    func dryRunIsAudit() async throws {
        let world = try await Self.seededWorld()
        for format in ["table", "json", "csv"] {
            let audit = await world.run(["audit", "--format", format])
            let dryRun = await world.run(["rotate", "--dry-run", "--format", format])
            #expect(audit.stdout == dryRun.stdout)
            #expect(audit.status == dryRun.status)
        }
    }

    @Test("report fills limits from the policy and leaves them null without one")
    func reportWithAndWithoutPolicy() async throws {
        let world = try await Self.seededWorld()
        let withPolicy = await world.run(["report", "--format", "json"])
        #expect(withPolicy.status == 4)
        let rows = try #require(try decodeJSON(withPolicy.stdout) as? [[String: Any]])
        let keys = [
            "controller", "user", "name", "uuid", "created", "age_seconds", "state", "max_age_seconds", "due",
            "overdue", "last_rotated", "fingerprint", "use_count", "last_used_days",
        ]
        #expect(rows.allSatisfy { Set($0.keys) == Set(keys) })
        let deploy = try #require(rows.first { $0["name"] as? String == "deploy" })
        #expect(deploy["max_age_seconds"] as? Int == 30 * 86_400)
        #expect(deploy["state"] as? String == "active")

        let bare = await world.run(["report", "--format", "json", "--db", world.database], withPaths: false)
        #expect(bare.status == 0, "\(bare.stderr)")
        let bareRows = try #require(try decodeJSON(bare.stdout) as? [[String: Any]])
        #expect(bareRows.count == 4)
        #expect(
            bareRows.allSatisfy { $0["max_age_seconds"] is NSNull && $0["due"] is NSNull && $0["overdue"] is NSNull })
    }

    @Test("report --older-than filters by age and csv uses the JSON keys as its header")
    func reportCSV() async throws {
        let world = try await Self.seededWorld()
        let result = await world.run(["report", "--format", "csv", "--older-than", "60d"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "controller,user,name,uuid,created,age_seconds,state,max_age_seconds,due,overdue,last_rotated,fingerprint,use_count,last_used_days"
        )
        #expect(lines.count == 3)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",ci,") || $0.contains(",root,") })
    }

    @Test("report --output writes the file atomically and prints nothing")
    func reportOutput() async throws {
        let world = try await Self.seededWorld()
        let target = world.path("report.json")
        let result = await world.run(["report", "--format", "json", "--output", target])
        #expect(result.stdout.isEmpty)
        let rows = try #require(try decodeJSON(try String(contentsOfFile: target, encoding: .utf8)) as? [[String: Any]])
        #expect(rows.count == 4)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: world.folder).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }

    @Test("history of an empty journal is an empty result, not an error")
    func emptyHistory() async throws {
        let world = try await Self.seededWorld()
        let json = await world.run(["history", "--format", "json", "--since", "7d"])
        #expect(json.status == 0)
        #expect(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let table = await world.run(["history"])
        #expect(table.status == 0)
    }

    @Test("inventory add, list and remove round-trip")
    func inventoryRoundTrip() async throws {
        let world = try TestWorld()
        try world.writePolicy(Self.policy)
        let added = await world.run([
            "inventory", "add", "--controller", "ci-main", "--user", "carol", "--name", "ci",
            "--uuid", "4F6D1C2E-1F0A-4C8E-9A53-3F1D2B7C9E14", "--created", "2026-02-01T00:00:00Z",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let listed = await world.run(["inventory", "list", "--format", "json"])
        let rows = try #require(try decodeJSON(listed.stdout) as? [[String: Any]])
        #expect(rows.map { $0["uuid"] as? String } == ["4f6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e14"])
        let duplicate = await world.run([
            "inventory", "add", "--controller", "ci-main", "--user", "carol", "--name", "ci",
            "--uuid", "4f6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e14", "--created", "2026-02-01T00:00:00Z",
        ])
        #expect(duplicate.status == 2)
        let removed = await world.run(["inventory", "remove", "--uuid", "4f6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e14"])
        #expect(removed.status == 0)
        let empty = await world.run(["inventory", "list", "--format", "json"])
        #expect(empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test("inventory remove refuses a token whose rotation is unfinished, and waits for no run: exit 3 when locked")
    func removeRespectsRotations() async throws {
        let world = try await Self.seededWorld()
        let uuid = "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"
        let inventory = try world.inventory()
        let runID = try inventory.startRun(RunEntry(started: Date(), mode: "rotate"))
        try inventory.insertRotation(
            JournalEntry(
                runID: runID, controller: "ci-main", user: "alice", name: "ci", oldUUID: uuid, newName: "ci",
                newUUID: "1b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e11", newFingerprint: "abcdef012345", step: .minted,
                started: Date()))
        try inventory.close()
        let before = try world.databaseDump()
        let refused = await world.run(["inventory", "remove", "--uuid", uuid])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("unfinished rotation"), "\(refused.stderr)")
        #expect(try world.databaseDump() == before)

        let lock = try InventoryLock.acquire(forDatabaseAt: world.database)
        defer { lock.release() }
        let locked = await world.run(["inventory", "remove", "--uuid", uuid])
        #expect(locked.status == 3, "\(locked.stderr)")
    }

    @Test("migrate prints the schema version")
    func migrate() async throws {
        let world = try TestWorld()
        let result = await world.run(["migrate", "--db", world.database], withPaths: false)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("schema version: 0"))
        let attributes = try FileManager.default.attributesOfItem(atPath: world.database)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// Inputs that must end in one clear line on stderr, exit 2, and an unchanged database.
    @Test(
        "bad input is a clear error with exit 2 and changes nothing",
        arguments: [
            (["audit", "--as-of", "yesterday"], "--as-of"),
            (["report", "--older-than", "9x"], "--older-than"),
            (["history", "--since", "forever"], "--since"),
            (
                [
                    "inventory", "add", "--controller", "ci-main", "--user", "u", "--name", "n", "--uuid", "nope",
                    "--created", "2026-01-01T00:00:00Z",
                ], "--uuid"
            ),
            (["inventory", "remove", "--uuid", "9f6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e99"], "9f6d1c2e"),
            (["audit", "--no-such-flag"], "--no-such-flag"),
            (["rotate", "--grace", "soon"], "--grace"),
        ])
    func badInput(arguments: [String], mentions: String) async throws {
        let world = try await Self.seededWorld()
        let before = try world.databaseDump()
        let result = await world.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(mentions), "\(result.stderr)")
        #expect(try world.databaseDump() == before)
    }

    @Test("a malformed policy names the file, the line and the key; the database is untouched")
    func malformedPolicy() async throws {
        let world = try await Self.seededWorld()
        let before = try world.databaseDump()
        try world.writePolicy(Self.policy.replacingOccurrences(of: "max_age: 30d", with: "max_age: 30x"))
        let result = await world.run(["audit"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("policy.yml:"))
        #expect(result.stderr.contains("max_age"))
        #expect(try world.databaseDump() == before)
    }

    @Test("a failed import names the line and field and imports nothing")
    func failedImport() async throws {
        let world = try await Self.seededWorld()
        let before = try world.databaseDump()
        let file = try world.write(
            "controller,user,name,uuid,created\nci-main,zed,a,5f6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e15,2026-01-01\n"
                + "ci-main,zed,b,not-a-uuid,2026-01-01\n",
            to: "bad.csv")
        let result = await world.run(["inventory", "import", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.csv"))
        #expect(result.stderr.contains("3"))
        #expect(try world.databaseDump() == before)
        let clash = try world.write(
            "controller,user,name,uuid,created\nci-main,zed,a,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-01\n",
            to: "clash.csv")
        let duplicate = await world.run(["inventory", "import", clash])
        #expect(duplicate.status == 2)
        #expect(duplicate.stderr.contains("clash.csv:2"))
        #expect(try world.databaseDump() == before)
    }

    @Test("a database that is not SQLite is refused with exit 2 and left alone")
    func corruptDatabase() async throws {
        let world = try TestWorld()
        try world.writePolicy(Self.policy)
        let garbage = String(repeating: "not a database ", count: 200)
        _ = try world.write(garbage, to: "inventory.sqlite")
        let result = await world.run(["report"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("inventory.sqlite"))
        #expect(world.read("inventory.sqlite") == garbage)
    }
}
