import Foundation
import InventoryStore
import JenkinsAPI
import JenkinsSimulator
import Logging
import RotatorCore
import Testing

/// Talks to the scenario's simulator as `rotation-admin` with its API token, to plant and remove tokens.
struct AdminProbe {
    let client: JenkinsClient
    let admin = JenkinsCredential(
        user: "rotation-admin", secret: Secret(RotationScenario.adminToken), kind: .apiToken)

    init(_ simulator: JenkinsSimulator) {
        let config = ControllerConfig(id: "ci", url: simulator.baseURL, timeout: TimeSpan(seconds: 5))
        client = JenkinsClient(
            configuration: JenkinsClientConfiguration(config), httpClient: RotationScenario.probeHTTPClient,
            logger: Logger(label: "probe"))
    }

    func mint(_ name: String, for user: String) async throws -> MintedToken {
        try await client.generateToken(forUser: user, name: name, expirationDays: nil, as: admin)
    }

    func revoke(_ uuid: String, of user: String) async throws {
        try await client.revokeToken(user: user, uuid: uuid, as: admin)
    }
}

@Suite("reconcile and inventory discover against jenkins-sim")
struct ReconcileTests {
    /// alice/ci and alice/deploy in the inventory and Jenkins; then an orphan named `ci`, an unmanaged `laptop`,
    /// and alice/deploy revoked behind the inventory's back (missing).
    static func plantedScenario() async throws -> (RotationScenario, orphan: String, laptop: String) {
        let scenario = try await RotationScenario.make(
            auth: .apiToken,
            seeds: [.init(user: "alice", name: "ci", ageDays: 10), .init(user: "alice", name: "deploy", ageDays: 10)])
        let probe = AdminProbe(scenario.simulator)
        let orphan = try await probe.mint("ci", for: "alice")
        let laptop = try await probe.mint("laptop", for: "alice")
        try await probe.revoke(scenario.tokens[1].uuid, of: "alice")
        return (scenario, orphan.uuid, laptop.uuid)
    }

    static func rows(_ outcome: TestWorld.Outcome) throws -> [[String: Any]] {
        try #require(try decodeJSON(outcome.stdout) as? [[String: Any]], "\(outcome.stdout) \(outcome.stderr)")
    }

    static func kinds(_ rows: [[String: Any]]) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: rows.compactMap { row in
                (row["uuid"] as? String).map { ($0, row["kind"] as? String ?? "?") }
            })
    }

    @Test("classifies managed, orphan, unmanaged and missing tokens, changes nothing, and exits 1")
    func readOnly() async throws {
        let (scenario, orphan, laptop) = try await Self.plantedScenario()
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["reconcile", "--format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let rows = try Self.rows(result)
        #expect(
            Self.kinds(rows) == [
                scenario.tokens[0].uuid: "managed", orphan: "orphan", laptop: "unmanaged",
                scenario.tokens[1].uuid: "missing",
            ])
        #expect(rows.allSatisfy { $0["action"] as? String == "none" })
        #expect(
            Set(rows.first.map { Array($0.keys) } ?? []).isSuperset(of: [
                "controller", "user", "name", "uuid", "kind", "created_days", "use_count", "last_used_days", "action",
            ]))
        let jenkins = await scenario.jenkinsTokens(of: "alice").map(\.uuid)
        #expect(Set(jenkins) == [scenario.tokens[0].uuid, orphan, laptop])
        #expect(try scenario.world.inventory().token(uuid: scenario.tokens[1].uuid)?.state == .active)
        try scenario.expectNoSecretLeaks([result])
    }

    @Test("--revoke-orphans revokes the orphan, never the unmanaged token; --forget-missing marks the row revoked")
    func changes() async throws {
        let (scenario, orphan, laptop) = try await Self.plantedScenario()
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["reconcile", "--revoke-orphans", "--forget-missing", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try Self.rows(result)
        let actions = Dictionary(
            uniqueKeysWithValues: rows.compactMap { row in
                (row["uuid"] as? String).map { ($0, row["action"] as? String ?? "?") }
            })
        #expect(actions[orphan] == "revoked")
        #expect(actions[laptop] == "none")
        #expect(actions[scenario.tokens[1].uuid] == "forgotten")
        let jenkins = await scenario.jenkinsTokens(of: "alice").map(\.uuid)
        #expect(Set(jenkins) == [scenario.tokens[0].uuid, laptop])
        let inventory = try scenario.world.inventory()
        #expect(try inventory.token(uuid: scenario.tokens[1].uuid)?.state == .revoked)
        let events = try inventory.events(tokenUUID: scenario.tokens[1].uuid).map(\.message)
        #expect(events.contains { $0.contains("gone from Jenkins") })
        #expect(try inventory.events(tokenUUID: orphan).map(\.kind) == ["reconcile.orphan_revoked"])
        let again = await scenario.world.run(["reconcile", "--format", "json"])
        #expect(again.status == 0, "\(again.stdout)")
    }

    @Test(
        "a revoke that Jenkins answers 200 without removing the token, or that fails, leaves the orphan failed",
        arguments: ["revoke:revoke-noop", "revoke:status=500"])
    func revokeNotConfirmed(fault: String) async throws {
        let (scenario, orphan, _) = try await Self.plantedScenario()
        defer { Task { await scenario.stop() } }
        try await scenario.simulator.addFault(fault)
        let result = await scenario.world.run(["reconcile", "--revoke-orphans", "--format", "json"])
        #expect(result.status == 1)
        let row = try #require(try Self.rows(result).first { $0["uuid"] as? String == orphan })
        #expect(row["action"] as? String == "failed")
        let error = row["error"] as? String ?? ""
        #expect(error.contains(fault.hasSuffix("noop") ? "still lists" : "revoke failed"), "\(error)")
        #expect(await scenario.jenkinsTokens(of: "alice").contains { $0.uuid == orphan })
        #expect(try scenario.world.inventory().events(tokenUUID: orphan).isEmpty)
    }

    @Test("a page without the API-token section fails that user (exit 1); nothing is called missing or forgotten")
    func noSection() async throws {
        let (scenario, _, _) = try await Self.plantedScenario()
        defer { Task { await scenario.stop() } }
        try await scenario.simulator.addFault("security:no-section")
        let result = await scenario.world.run(["reconcile", "--forget-missing", "--format", "json"])
        #expect(result.status == 1)
        let rows = try Self.rows(result)
        #expect(rows.count == 1)
        #expect(rows.first?["action"] as? String == "failed")
        #expect((rows.first?["error"] as? String)?.contains("API-token section") == true)
        #expect(try scenario.world.inventory().token(uuid: scenario.tokens[1].uuid)?.state == .active)
    }

    @Test("in self mode each user reads their own page with the token a file sink holds")
    func selfMode() async throws {
        let scenario = try await RotationScenario.make(
            auth: .selfMode, seeds: [.init(user: "alice", name: "ci", ageDays: 10)])
        defer { Task { await scenario.stop() } }
        let probe = AdminProbe(scenario.simulator)
        let laptop = try await probe.mint("laptop", for: "alice")
        let result = await scenario.world.run(["reconcile", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.kinds(try Self.rows(result)) == [scenario.tokens[0].uuid: "managed", laptop.uuid: "unmanaged"])
        try FileManager.default.removeItem(atPath: scenario.tokens[0].sinkPath)
        let blind = await scenario.world.run(["reconcile", "--format", "json"])
        #expect(blind.status == 1)
        #expect((try Self.rows(blind).first?["error"] as? String)?.contains("no file sink holds a token") == true)
    }

    @Test("records each managed token's use; report adds use_count and last_used_days")
    func usage() async throws {
        let scenario = try await RotationScenario.make(
            auth: .apiToken, seeds: [.init(user: "alice", name: "ci", ageDays: 10)])
        defer { Task { await scenario.stop() } }
        let before = await scenario.world.run(["report", "--format", "json"])
        #expect(try Self.rows(before).first?["use_count"] is NSNull)
        #expect(try await scenario.authenticates(scenario.tokens[0].value, as: "alice"))
        #expect(try await scenario.authenticates(scenario.tokens[0].value, as: "alice"))
        let result = await scenario.world.run(["reconcile", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.rows(result).first?["use_count"] as? Int == 2)
        let report = try Self.rows(await scenario.world.run(["report", "--format", "json"]))
        #expect(report.first?["use_count"] as? Int == 2)
        #expect(report.first?["last_used_days"] as? Int == 0)
    }

    @Test("inventory discover lists a user's tokens with known flags; --adopt registers the unknown ones")
    func discoverAndAdopt() async throws {
        let (scenario, orphan, laptop) = try await Self.plantedScenario()
        defer { Task { await scenario.stop() } }
        let listed = await scenario.world.run([
            "inventory", "discover", "--controller", "ci", "--user", "alice", "--format", "json",
        ])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try Self.rows(listed)
        let known = Dictionary(
            uniqueKeysWithValues: rows.compactMap { row in
                (row["uuid"] as? String).map { ($0, row["known"] as? Bool ?? false) }
            })
        #expect(known == [scenario.tokens[0].uuid: true, orphan: false, laptop: false])
        let today = Timestamp.format(Reconciler.day(daysBefore: Date(), 0))
        #expect(rows.first { $0["uuid"] as? String == laptop }?["created"] as? String == today)
        let adopted = await scenario.world.run([
            "inventory", "discover", "--controller", "ci", "--user", "alice", "--adopt",
        ])
        #expect(adopted.status == 0, "\(adopted.stderr)")
        let inventory = try scenario.world.inventory()
        #expect(try inventory.token(uuid: laptop)?.name == "laptop")
        #expect(try inventory.token(uuid: orphan)?.useCount == 0)
        #expect(try inventory.events(tokenUUID: laptop).map(\.kind) == ["token.adopted"])
    }

    @Test("--all-users reads the people API; --adopt with an unreadable page adopts nothing")
    func allUsers() async throws {
        let (scenario, _, laptop) = try await Self.plantedScenario()
        defer { Task { await scenario.stop() } }
        let everyone = await scenario.world.run([
            "inventory", "discover", "--controller", "ci", "--all-users", "--format", "json",
        ])
        #expect(everyone.status == 0, "\(everyone.stderr)")
        let users = Set(try Self.rows(everyone).compactMap { $0["user"] as? String })
        #expect(users == ["alice", "rotation-admin"])
        try await scenario.simulator.addFault("security:no-section,count=1")
        let refused = await scenario.world.run([
            "inventory", "discover", "--controller", "ci", "--all-users", "--adopt",
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("nothing adopted"))
        #expect(try scenario.world.inventory().token(uuid: laptop) == nil)
        let usage = await scenario.world.run(["inventory", "discover", "--controller", "ci"])
        #expect(usage.status == 2)
        for arguments in [["reconcile"], ["inventory", "discover", "--controller", "ci", "--user", "alice"]] {
            let missing = await scenario.world.run(
                arguments + ["--db", scenario.world.path("nope.sqlite"), "--policy", scenario.world.policyPath],
                withPaths: false)
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("does not exist") && missing.stderr.contains("migrate"))
            #expect(!FileManager.default.fileExists(atPath: scenario.world.path("nope.sqlite")))
        }
    }
}

@Suite("revoke_unused_after end to end: reconcile records usage, rotate revokes the unused token")
struct UnusedTokenCommandTests {
    @Test("a due token last used 70 days ago is revoked, not rotated; a recently used one is rotated")
    func unusedTokenIsRevoked() async throws {
        let scenario = try await RotationScenario.make(
            seeds: [
                .init(user: "alice", name: "ci", ageDays: 120, lastUsedDaysAgo: 70),
                .init(user: "bob", name: "ci", ageDays: 120, lastUsedDaysAgo: 2),
            ],
            extraPolicy: "rules:\n  - match: { name: ci }\n    revoke_unused_after: 60d\n")
        defer { Task { await scenario.stop() } }
        let reconcile = await scenario.world.run(["reconcile", "--format", "json"])
        #expect(reconcile.status == 0, "\(reconcile.stdout) \(reconcile.stderr)")
        let audit = await scenario.world.run(["audit", "--format", "json"])
        let plan = try #require(try decodeJSON(audit.stdout) as? [[String: Any]])
        let alicePlan = try #require(plan.first { $0["user"] as? String == "alice" })
        #expect(alicePlan["action"] as? String == "retire")
        #expect((alicePlan["reason"] as? String)?.hasPrefix("unused") == true)

        let rotate = await scenario.world.run(["rotate", "--format", "json"])
        #expect(rotate.status == 0, "\(rotate.stdout) \(rotate.stderr)")
        let summary = try #require(try decodeJSON(rotate.stdout) as? [String: Any])
        #expect(summary["retired"] as? Int == 1)
        #expect(summary["rotated"] as? Int == 1)
        #expect(await scenario.jenkinsTokens(of: "alice").isEmpty)
        #expect(await scenario.jenkinsTokens(of: "bob").count == 1)
    }
}
