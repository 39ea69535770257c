import Foundation
import Logging
@_spi(Testing) import PostgresInventory
import PostgresNIO
import PostgresTestSupport
import RotatorCore
import RotatorTestSupport
import Testing

/// The real rotation engine with a PostgreSQL inventory as its inventory, journal and claims, against the fake
/// Jenkins and sinks of RotatorTestSupport: what `rotate` does with `--db postgresql://…`, short of the CLI.
@Suite("PostgreSQL: the rotation engine over a shared inventory")
struct EngineOverPostgresTests {
    /// Users `user-0` … `user-(count-1)` on controller `ci`, each with one token `ci` 100 days old (due under
    /// max_age 90d), held in a file sink, and the same tokens in a fresh PostgreSQL inventory.
    struct Estate {
        let world = FakeWorld(users: ["rotation-admin"])
        let inventory: PostgresInventory
        let policy: RotationPolicy
        let users: [String]
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let admin = JenkinsCredential(user: "rotation-admin", secret: Secret("admin-pass"), kind: .password)

        init(users count: Int, inventory: PostgresInventory? = nil) async throws {
            users = (0..<count).map { "user-\($0)" }
            if let inventory {
                self.inventory = inventory
            } else {
                self.inventory = try await PostgresCluster.freshInventory()
            }
            policy = try PolicyLoader.parse(
                """
                version: 1
                controllers:
                  ci:
                    url: http://127.0.0.1:8080/
                    mode: admin
                    auth: { user: rotation-admin, password_env: ADMIN_PASS }
                defaults:
                  max_age: 90d
                  rotate_before: 10d
                  grace: 0s
                  jenkins_expiry: off
                  deliver:
                    - file: { path: "/sinks/{user}-{name}.token" }
                limits:
                  max_consecutive_failures: 1000
                """, source: "postgres-engine-policy.yml")
            var imported: [ImportedToken] = []
            for (index, user) in users.enumerated() {
                let token = world.jenkins.seed(user: user, name: "ci")
                world.sinks.set("/sinks/\(user)-ci.token", token.value)
                imported.append(
                    ImportedToken(
                        line: index + 2,
                        record: InventoryToken(
                            controller: "ci", user: user, name: "ci", uuid: token.uuid, created: now - 100 * 86_400,
                            fingerprint: token.fingerprint)))
            }
            try await self.inventory.importTokens(imported, addedAt: now - 100 * 86_400)
        }

        /// One `rotate` run of its own engine (as one process would run it), claiming what it works on for
        /// `lease`. Once the world has "crashed" (``FakeWorld/crash(at:_:)``) the process is dead: nothing more it
        /// does reaches the database either.
        func rotate(lease: TimeSpan = TimeSpan(seconds: 600)) async throws -> RunSummary {
            let store = ProcessView(inventory: inventory, world: world)
            var context = RotationContext(
                policy: policy, inventory: store, journal: store, sinks: world.sinks, now: { [now] in now },
                logger: Logger(label: "postgres-engine", factory: { _ in SwiftLogNoOpLogHandler() }))
            context.claims = store
            context.claimLease = lease
            let connection = ControllerConnection(
                config: policy.controllers[0], api: world.jenkins, adminCredential: admin, maxConsecutiveFailures: nil)
            return try await RotationEngine(context: context, options: .init(), connections: ["ci": connection]).run()
        }

        /// How many tokens each user had minted (generate requests that reached Jenkins).
        func generated() -> [String: Int] {
            var counts: [String: Int] = [:]
            for effect in world.effectLog where effect.hasPrefix("generate ") {
                let user = String(effect.dropFirst("generate ".count).split(separator: "/")[0])
                counts[user, default: 0] += 1
            }
            return counts
        }

        /// What a settled estate must satisfy: every user has exactly one live Jenkins token, the inventory's one
        /// active token for that user, held by the sink; no journal row is left open. Returns what is wrong.
        func problems() async throws -> [String] {
            var problems: [String] = []
            let unfinished = try await inventory.unfinishedRotations()
            if !unfinished.isEmpty { problems.append("\(unfinished.count) unfinished rotations") }
            let active = try await inventory.tokens()
            for user in users {
                let live = world.jenkins.tokens(of: user)
                let kept = active.filter { $0.user == user }
                guard live.count == 1, kept.count == 1, live[0].uuid == kept[0].uuid, kept[0].state == .active else {
                    problems.append("\(user): Jenkins \(live.map(\.uuid)), inventory \(kept.map(\.uuid))")
                    continue
                }
                if world.sinks.value("/sinks/\(user)-ci.token")?.fingerprint != live[0].fingerprint {
                    problems.append("\(user): the sink does not hold the live token")
                }
            }
            return problems
        }
    }

    @Test(
        "one rotation end to end: journal row done, old token revoked, successor recorded, run closed, claim released")
    func oneRotation() async throws {
        let estate = try await Estate(users: 1)
        let old = try #require(try await estate.inventory.tokens().first)
        let summary = try await estate.rotate()
        #expect(summary.results.map(\.outcome) == [.rotated], "\(summary.results)")
        #expect(try await estate.problems() == [])

        let runID = try #require(summary.runID)
        let rotation = try #require(try await estate.inventory.history().first)
        #expect(rotation.step == .done)
        #expect(rotation.outcome == .rotated)
        #expect(rotation.runID == runID)
        #expect(rotation.oldUUID == old.uuid)
        let newUUID = try #require(rotation.newUUID)
        let successor = try #require(try await estate.inventory.token(uuid: newUUID))
        #expect(successor.fingerprint == estate.world.jenkins.tokens(of: "user-0").first?.fingerprint)
        let retired = try #require(try await estate.inventory.token(uuid: old.uuid))
        #expect(retired.state == .revoked)
        #expect(retired.replacedBy == successor.uuid)

        let run = try #require(try await estate.inventory.run(id: runID))
        #expect(run.rotated == 1)
        #expect(run.exitCode == 0)
        #expect(run.finished != nil)
        let kinds = try await estate.inventory.events(runID: runID).map(\.kind)
        #expect(kinds.first == "run.started")
        #expect(kinds.last == "run.finished")
        #expect(kinds.contains("rotation.done"))
        #expect(try await estate.inventory.claimHolder(uuid: old.uuid) == nil)

        let again = try await estate.rotate()
        #expect(again.counts.rotated == 0)
        #expect(estate.generated() == ["user-0": 1])
    }

    @Test("a run killed mid-rotation keeps its claim until the lease expires; a run started after that settles it")
    func killedRun() async throws {
        let estate = try await Estate(users: 1)
        estate.world.crash(at: 1, .after)  // the generate request takes effect, then the process dies
        await #expect(throws: (any Error).self) { _ = try await estate.rotate(lease: TimeSpan(seconds: 60)) }
        #expect(try await estate.inventory.unfinishedRotations().map(\.step) == [.generating])
        estate.world.restart()

        let meanwhile = try await estate.rotate()
        #expect(meanwhile.results.isEmpty, "\(meanwhile.results)")  // the dead run's claim holds
        #expect(try await estate.inventory.unfinishedRotations().count == 1)

        // The lease runs out (ClaimTests checks the database's clock does that by itself; here it is moved on).
        try await estate.inventory.executeRawSQL("UPDATE token_claims SET expires_at = now()")
        try await Task.sleep(for: .milliseconds(5))
        let next = try await estate.rotate()
        #expect(next.counts.rotated == 1, "\(next.results)")
        #expect(try await estate.problems() == [])
        #expect(try await estate.inventory.history().map(\.step) == [.done, .rolledBack])
    }

    @Test("a role with only the grants of examples/postgresql-grants.sql runs rotations; the owner migrates")
    func minimalGrants() async throws {
        let cluster = try await PostgresCluster.shared()
        let suffix = "\(getpid())_\(UUID().uuidString.prefix(6).lowercased())"
        let (owner, database) = ("inventory_owner_\(suffix)", "inventory_\(suffix)")
        try await cluster.withAdminConnection { connection in
            for sql in [
                "CREATE ROLE \(owner) LOGIN", "CREATE ROLE token_rotator_\(suffix) LOGIN",
                "CREATE DATABASE \(database) OWNER \(owner)",
            ] {
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresCluster.logger)
            }
        }
        try await cluster.withAdminConnection(database: database) { connection in
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "ALTER SCHEMA public OWNER TO \(owner)"), logger: PostgresCluster.logger)
        }
        let byOwner = try await PostgresInventory.open(url: cluster.url(database: database, user: owner))
        let grants = try String(
            contentsOf: MigrationTests.root.appendingPathComponent("examples/postgresql-grants.sql"), encoding: .utf8)
        for statement in PostgresInventory.migrationStatements(grants) {
            try await byOwner.executeRawSQL(
                statement.replacingOccurrences(of: "TO token_rotator", with: "TO token_rotator_\(suffix)"))
        }
        await byOwner.close()

        let rotator = try await PostgresInventory.open(
            url: cluster.url(database: database, user: "token_rotator_\(suffix)"))
        let estate = try await Estate(users: 3, inventory: rotator)
        let summary = try await estate.rotate()
        #expect(summary.counts.rotated == 3, "\(summary.results)")
        #expect(!summary.hasFailures)
        #expect(try await estate.problems() == [])
        do {
            try await rotator.executeRawSQL("DELETE FROM events")
            Issue.record("the rotator role deleted events")
        } catch {
            #expect("\(error)".contains("permission denied"), "\(error)")
        }
        await #expect(throws: PostgresInventoryError.self) {
            try await rotator.executeRawSQL("CREATE TABLE mine (id int)")
        }
    }

    @Test(
        "four engines in parallel over 40 due tokens rotate each exactly once (started together, or one by one)",
        arguments: [0, 20])
    func fourInParallel(staggerMilliseconds: Int) async throws {
        let estate = try await Estate(users: 40)
        let summaries = try await withThrowingTaskGroup(of: RunSummary.self) { group in
            for index in 0..<4 {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(index * staggerMilliseconds))
                    return try await estate.rotate()
                }
            }
            var summaries: [RunSummary] = []
            for try await summary in group { summaries.append(summary) }
            return summaries
        }
        let rotated = summaries.flatMap { $0.results.filter { $0.outcome == .rotated } }
        #expect(rotated.count == 40, "\(summaries.map(\.results))")
        #expect(Set(rotated.map(\.user)).count == 40)
        #expect(summaries.allSatisfy { !$0.hasFailures }, "\(summaries.flatMap(\.results).filter(\.needsAttention))")
        let generated = estate.generated()
        #expect(generated.count == 40)
        #expect(generated.values.allSatisfy { $0 == 1 }, "\(generated.filter { $0.value != 1 })")
        #expect(try await estate.problems() == [])
        #expect(try await estate.inventory.history().count == 40)
        #expect(Set(summaries.compactMap(\.runID)).count == 4)

        // Another round finds nothing due: the successors are fresh.
        let later = try await estate.rotate()
        #expect(later.counts.rotated == 0)
        #expect(estate.generated().values.reduce(0, +) == 40)
    }
}

/// The PostgreSQL inventory as one process sees it: once the ``FakeWorld`` has crashed, that process is dead, and
/// nothing it would still do reaches the database (its claims stay until their lease expires).
struct ProcessView: TokenInventory, RotationJournal, TokenClaims {
    let inventory: PostgresInventory
    let world: FakeWorld

    private func alive() throws {
        if world.hasCrashed { throw SimulatedCrash() }
    }

    func startRun(_ run: RunEntry, asOf: Date?, events: [InventoryEvent]) async throws -> Int64 {
        try alive()
        return try await inventory.startRun(run, asOf: asOf, events: events)
    }
    func finishRun(id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent])
        async throws
    {
        try alive()
        try await inventory.finishRun(id: id, counts: counts, exitCode: exitCode, finished: finished, events: events)
    }
    func forEachToken(includeRevoked: Bool, _ body: (InventoryToken) throws -> Void) async throws {
        try alive()
        try await inventory.forEachToken(includeRevoked: includeRevoked, body)
    }
    func forEachActiveTokenOldestFirst(_ body: (InventoryToken) throws -> Bool) async throws {
        try alive()
        try await inventory.forEachActiveTokenOldestFirst(body)
    }
    func token(uuid: String) async throws -> InventoryToken? {
        try alive()
        return try await inventory.token(uuid: uuid)
    }
    func isKnownToken(uuid: String) async throws -> Bool {
        try alive()
        return try await inventory.isKnownToken(uuid: uuid)
    }
    func unfinishedRotations() async throws -> [JournalEntry] {
        try alive()
        return try await inventory.unfinishedRotations()
    }
    func insert(_ entry: JournalEntry, events: [InventoryEvent]) async throws -> Int64 {
        try alive()
        return try await inventory.insert(entry, events: events)
    }
    func save(_ entry: JournalEntry, at: Date, events: [InventoryEvent]) async throws {
        try alive()
        try await inventory.save(entry, at: at, events: events)
    }
    func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, completing entry: JournalEntry,
        at: Date, events: [InventoryEvent]
    ) async throws {
        try alive()
        try await inventory.recordRotated(
            oldUUID: oldUUID, successor: successor, oldState: oldState, completing: entry, at: at, events: events)
    }
    func recordIssued(_ token: InventoryToken, completing entry: JournalEntry, at: Date, events: [InventoryEvent])
        async throws
    {
        try alive()
        try await inventory.recordIssued(token, completing: entry, at: at, events: events)
    }
    func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) async throws {
        try alive()
        try await inventory.markRevoked(uuid: uuid, at: at, events: events)
    }
    func append(_ events: [InventoryEvent]) async throws {
        try alive()
        try await inventory.append(events)
    }
    func claim(uuid: String, runID: Int64, lease: TimeSpan) async throws -> Bool {
        try alive()
        return try await inventory.claim(uuid: uuid, runID: runID, lease: lease)
    }
    func releaseClaims(runID: Int64) async throws {
        try alive()
        try await inventory.releaseClaims(runID: runID)
    }
    func claimHolder(uuid: String) async throws -> Int64? {
        try alive()
        return try await inventory.claimHolder(uuid: uuid)
    }
}
