import Foundation
import InventoryStore
import JenkinsSimulator
import Locking
import RotatorCLI
import RotatorCore
import Testing

/// `rotate` end to end: the real CLI code against a live jenkins-sim over HTTP, with a real SQLite file.
@Suite("Rotation")
struct RotationTests {
    typealias Seed = RotationScenario.Seed

    @Test("admin mode with a password: crumb and cookie, mint, deliver, verify, revoke the old token")
    func adminPassword() async throws {
        let scenario = try await RotationScenario.make(
            seeds: [Seed(user: "alice", name: "ci", ageDays: 120), Seed(user: "bob", name: "laptop", ageDays: 5)])
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let (result, document, newUUID, newValue) = try await scenario.rotateExpectingOne(alice)
        #expect(document["failed"] as? Int == 0)
        #expect(document["dry_run"] as? Bool == false)
        #expect((document["results"] as? [[String: Any]])?.first?["outcome"] as? String == "rotated")
        #expect(await scenario.simulator.requestCount(.crumb) >= 1)

        let inventory = try scenario.world.inventory()
        let old = try #require(try inventory.token(uuid: alice.uuid))
        #expect(old.state == .revoked)
        #expect(old.replacedBy == newUUID)
        let successor = try #require(try inventory.token(uuid: newUUID))
        #expect(successor.state == .active)
        #expect(successor.fingerprint == Secret(newValue).fingerprint)

        let history = await scenario.world.run(["history", "--format", "json"])
        let rows = try #require(try decodeJSON(history.stdout) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["outcome"] as? String == "rotated")
        #expect(rows.first?["new_uuid"] as? String == newUUID)

        let again = await scenario.world.run(["rotate", "--format", "json"])
        #expect(again.status == 0)
        #expect((try decodeJSON(again.stdout) as? [String: Any])?["rotated"] as? Int == 0)
        try scenario.expectNoSecretLeaks([result, history, again], extra: [newValue])
    }

    @Test(
        "no secret reaches stdout, text or JSON logs at trace level, the database or its WAL, even on failures",
        arguments: [LogFormat.text, .json])
    func noSecretsInLogs(format: LogFormat) async throws {
        let scenario = try await RotationScenario.make(
            seeds: [
                Seed(user: "alice", name: "ci", ageDays: 120), Seed(user: "bob", name: "ci", ageDays: 120),
                Seed(user: "carol", name: "ci", ageDays: 120),
            ], faults: ["whoami:status=401,count=1", "generate:drop,nth=2"])
        defer { Task { await scenario.stop() } }
        scenario.world.logFormat = format
        var outcomes = [await scenario.world.run(["rotate", "--format", "json"])]
        await scenario.simulator.clearFaults()
        outcomes.append(await scenario.world.run(["rotate"]))
        outcomes.append(await scenario.world.run(["history", "--format", "csv"]))
        outcomes.append(await scenario.world.run(["report", "--format", "json"]))
        let minted = scenario.tokens.compactMap { scenario.sinkValue($0) }
        #expect(outcomes[0].stderr.contains(format == .json ? "\"level\":" : " INFO "))
        #expect(outcomes.allSatisfy { $0.status <= 1 })
        try scenario.expectNoSecretLeaks(outcomes, extra: minted)
    }

    @Test("admin mode with an API token sends no crumb and no cookie")
    func adminToken() async throws {
        let scenario = try await RotationScenario.make(auth: .apiToken)
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(await scenario.simulator.requestCount(.crumb) == 0)
        let value = try #require(scenario.sinkValue(scenario.tokens[0]))
        #expect(try await scenario.authenticates(value, as: "alice"))
        #expect(try await !scenario.authenticates(scenario.tokens[0].value, as: "alice"))
    }

    @Test("a run keeps more rotations going than `concurrency`, yet never has more requests in flight")
    func requestCapHolds() async throws {
        let scenario = try await RotationScenario.make(
            auth: .apiToken, seeds: (0..<6).map { Seed(user: "user\($0)", name: "ci", ageDays: 120) },
            faults: ["any:hold-before,count=1000"])
        defer { Task { await scenario.stop() } }
        try scenario.world.writePolicy(
            try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8)
                .replacingOccurrences(of: "concurrency: 4", with: "concurrency: 2"))
        let finished = Flag()
        let run = Task {
            let result = await scenario.world.run(["rotate"])
            finished.set()
            return result
        }
        var peak = 0
        var mostUnderWay = 0
        while !finished.isSet {
            // Long enough for every request the run could have in flight to arrive and be held.
            try await Task.sleep(for: .milliseconds(60))
            let held = await scenario.simulator.heldCount()
            peak = max(peak, held)
            #expect(held <= 2)
            mostUnderWay = max(mostUnderWay, try scenario.world.inventory().unfinishedRotations().count)
            await scenario.simulator.releaseHeld()
        }
        let result = await run.value
        #expect(result.status == 0, "\(result.stderr)")
        #expect(peak == 2)
        // Two rotations sending, two more recorded and waiting for a request slot.
        #expect(mostUnderWay == 4)
        #expect(await scenario.simulator.requestCount(.generate) == 6)
    }

    @Test("self mode: the token rotates itself with the value from its file sink")
    func selfMode() async throws {
        let scenario = try await RotationScenario.make(auth: .selfMode, adminCanGenerate: false)
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 0, "\(result.stderr)")
        let value = try #require(scenario.sinkValue(alice))
        #expect(value != alice.value)
        #expect(try await scenario.authenticates(value, as: "alice"))
        #expect(try await !scenario.authenticates(alice.value, as: "alice"))
        #expect(await scenario.jenkinsTokens(of: "alice").count == 1)
    }

    @Test("a grace period keeps the old token valid until a later run retires it")
    func gracePeriod() async throws {
        let scenario = try await RotationScenario.make(grace: "2d")
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let first = await scenario.world.run(["rotate"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try await scenario.authenticates(alice.value, as: "alice"))
        #expect(try scenario.world.inventory().token(uuid: alice.uuid)?.state == .retiring)

        let early = await scenario.world.run(["rotate", "--format", "json"])
        #expect((try decodeJSON(early.stdout) as? [String: Any])?["retired"] as? Int == 0)

        scenario.world.now = Date().addingTimeInterval(3 * 86_400)
        let later = await scenario.world.run(["rotate", "--format", "json"])
        #expect(later.status == 0, "\(later.stderr)")
        #expect((try decodeJSON(later.stdout) as? [String: Any])?["retired"] as? Int == 1)
        #expect(try await !scenario.authenticates(alice.value, as: "alice"))
        #expect(try scenario.world.inventory().token(uuid: alice.uuid)?.state == .revoked)
    }

    @Test("rotate --force --grace 0 replaces a token that is not due (the leaked-token path)")
    func breakGlass() async throws {
        let scenario = try await RotationScenario.make(
            seeds: [Seed(user: "alice", name: "ci", ageDays: 1)], grace: "7d")
        defer { Task { await scenario.stop() } }
        let notDue = await scenario.world.run(["rotate", "--format", "json"])
        #expect((try decodeJSON(notDue.stdout) as? [String: Any])?["rotated"] as? Int == 0)
        let forced = await scenario.world.run(["rotate", "--force", "--grace", "0s", "--user", "alice"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try await !scenario.authenticates(scenario.tokens[0].value, as: "alice"))
    }

    @Test("an admin who may not mint for others: a clear failure, the old token stays, the controller stops")
    func adminCannotGenerate() async throws {
        let scenario = try await RotationScenario.make(
            seeds: [
                Seed(user: "alice", name: "ci", ageDays: 120), Seed(user: "bob", name: "ci", ageDays: 120),
                Seed(user: "carol", name: "ci", ageDays: 120),
            ], adminCanGenerate: false)
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 1)
        let document = try #require(try decodeJSON(result.stdout) as? [String: Any])
        let results = try #require(document["results"] as? [[String: Any]])
        let failed = results.filter { $0["outcome"] as? String == "failed" }
        #expect(failed.count >= 1)
        #expect((failed.first?["error"] as? String)?.contains("adminCanGenerateNewTokens=true") == true)
        #expect(results.filter { $0["outcome"] as? String == "skipped" }.count == 3 - failed.count)
        for token in scenario.tokens {
            #expect(scenario.sinkValue(token) == token.value)
            #expect(try await scenario.authenticates(token.value, as: token.user))
        }
    }

    @Test(
        "a lost generate response is recorded as uncertain, and the next run revokes the orphan and rotates afresh",
        arguments: ["generate:drop", "generate:commit-500"])
    func lostGenerate(fault: String) async throws {
        let scenario = try await RotationScenario.make(faults: [fault + ",count=1"])
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let first = await scenario.world.run(["rotate", "--format", "json"])
        #expect(first.status == 1)
        let document = try #require(try decodeJSON(first.stdout) as? [String: Any])
        #expect(document["uncertain"] as? Int == 1)
        #expect(await scenario.jenkinsTokens(of: "alice").count == 2)
        #expect(scenario.sinkValue(alice) == alice.value)
        let history = await scenario.world.run(["history", "--format", "json"])
        let rows = try #require(try decodeJSON(history.stdout) as? [[String: Any]])
        #expect(rows.first?["outcome"] as? String == "uncertain")
        #expect(rows.first?["new_name"] as? String == "ci")

        let second = await scenario.world.run(["rotate", "--format", "json"])
        #expect(second.status == 0, "\(second.stderr)")
        let tokens = await scenario.jenkinsTokens(of: "alice")
        #expect(tokens.count == 1)
        let value = try #require(scenario.sinkValue(alice))
        #expect(try await scenario.authenticates(value, as: "alice"))
        #expect(try scenario.world.inventory().token(uuid: tokens[0].uuid)?.state == .active)
    }

    @Test("a lost generate stays uncertain (exit 1, with what to do) while the user's security page cannot be read")
    func lostGenerateUnreadablePage() async throws {
        let scenario = try await RotationScenario.make(faults: ["generate:drop,count=1"])
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        #expect(await scenario.world.run(["rotate"]).status == 1)
        try await scenario.simulator.addFault("security:status=503")

        let second = await scenario.world.run(["rotate", "--format", "json"])
        #expect(second.status == 1)
        #expect((try decodeJSON(second.stdout) as? [String: Any])?["uncertain"] as? Int == 1)
        let history = await scenario.world.run(["history", "--format", "json"])
        let row = try #require((try decodeJSON(history.stdout) as? [[String: Any]])?.first)
        #expect(row["outcome"] as? String == "uncertain")
        let error = try #require(row["error"] as? String)
        #expect(error.contains("security page could not be read"))
        #expect(error.contains("revoke any token named ci of user alice"))
        #expect(await scenario.jenkinsTokens(of: "alice").count == 2)
        #expect(scenario.sinkValue(alice) == alice.value)

        await scenario.simulator.clearFaults()
        let third = await scenario.world.run(["rotate"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(await scenario.jenkinsTokens(of: "alice").count == 1)
        let value = try #require(scenario.sinkValue(alice))
        #expect(try await scenario.authenticates(value, as: "alice"))
    }

    @Test("a new token that fails verification is revoked, the sink gets its old value back, the old token stays")
    func verifyFails() async throws {
        let scenario = try await RotationScenario.make(faults: ["whoami:status=401,count=1"])
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 1)
        #expect(scenario.sinkValue(alice) == alice.value)
        #expect(try await scenario.authenticates(alice.value, as: "alice"))
        #expect(await scenario.jenkinsTokens(of: "alice").map(\.uuid) == [alice.uuid])
        #expect(try scenario.world.inventory().token(uuid: alice.uuid)?.state == .active)
        let history = await scenario.world.run(["history", "--format", "json"])
        let row = try #require((try decodeJSON(history.stdout) as? [[String: Any]])?.first)
        #expect(row["step"] as? String == "rolled_back")
        #expect(row["outcome"] as? String == "failed")
    }

    @Test("a revoke that fails after a good delivery: exit 1, the old token retiring, and the next run retires it")
    func revokeFails() async throws {
        let scenario = try await RotationScenario.make(faults: ["revoke:status=503,count=10"])
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let first = await scenario.world.run(["rotate", "--format", "json"])
        #expect(first.status == 1)
        let document = try #require(try decodeJSON(first.stdout) as? [String: Any])
        #expect(document["rotated"] as? Int == 1)
        let newValue = try #require(scenario.sinkValue(alice))
        #expect(try await scenario.authenticates(newValue, as: "alice"))
        #expect(try scenario.world.inventory().token(uuid: alice.uuid)?.state == .retiring)
        await scenario.simulator.clearFaults()
        let second = await scenario.world.run(["rotate", "--format", "json"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect((try decodeJSON(second.stdout) as? [String: Any])?["retired"] as? Int == 1)
        #expect(try await !scenario.authenticates(alice.value, as: "alice"))
    }

    @Test("a revoke that answers 200 but does nothing is caught by checking the old token gets 401")
    func revokeNoop() async throws {
        let scenario = try await RotationScenario.make(faults: ["revoke:revoke-noop,count=1"])
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 1)
        let results = try #require((try decodeJSON(result.stdout) as? [String: Any])?["results"] as? [[String: Any]])
        #expect((results.first?["error"] as? String)?.contains("still authenticates") == true)
        #expect(try scenario.world.inventory().token(uuid: scenario.tokens[0].uuid)?.state == .retiring)
    }

    @Test("a failing sink rolls back: the new token is revoked and every sink holds a working value")
    func sinkFails() async throws {
        let scripts = try TestWorld()
        let failing = try scripts.write(
            "#!/bin/sh\ncat >/dev/null\necho refused >&2\nexit 3\n", to: "push-secret", mode: 0o755)
        let scenario = try await RotationScenario.make(
            deliver: """
                    - file: { path: "{sinks}/{controller}/{user}/{name}.token" }
                    - command: ["\(failing)", "{user}"]
                """)
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 1, "\(result.stdout)")
        let results = try #require((try decodeJSON(result.stdout) as? [String: Any])?["results"] as? [[String: Any]])
        #expect((results.first?["error"] as? String)?.contains("push-secret") == true)
        #expect(scenario.sinkValue(alice) == alice.value)
        #expect(try await scenario.authenticates(alice.value, as: "alice"))
        #expect(await scenario.jenkinsTokens(of: "alice").map(\.uuid) == [alice.uuid])
    }

    @Test("a generate that times out is treated as possibly minted, never re-sent blindly")
    func generateTimeout() async throws {
        let scenario = try await RotationScenario.make(faults: ["generate:slow=5s,count=1"], timeout: "2s")
        defer { Task { await scenario.stop() } }
        let first = await scenario.world.run(["rotate", "--format", "json"])
        #expect(first.status == 1)
        #expect((try decodeJSON(first.stdout) as? [String: Any])?["uncertain"] as? Int == 1)
        #expect(await scenario.simulator.requestCount(.generate) == 1)
        // Wait until the slow generate has minted, then give the settling run a timeout a loaded machine
        // cannot trip (a 1 s timeout failed CI once, its requests taking 0.5-0.8 s each).
        let deadline = ContinuousClock.now + .seconds(30)
        while await scenario.jenkinsTokens(of: "alice").count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(await scenario.jenkinsTokens(of: "alice").count == 2)
        let policy = try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8)
        try scenario.world.writePolicy(policy.replacingOccurrences(of: "timeout: 2s", with: "timeout: 30s"))
        let second = await scenario.world.run(["rotate"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(await scenario.jenkinsTokens(of: "alice").count == 1)
    }

    @Test("a second run while the first holds the lock exits 3 and changes nothing")
    func lockHeld() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        let before = try scenario.world.databaseDump()
        let lock = try InventoryLock.acquire(forDatabaseAt: scenario.world.database)
        let result = await scenario.world.run(["rotate"])
        lock.release()
        #expect(result.status == 3)
        #expect(try scenario.world.databaseDump() == before)
        #expect(await scenario.simulator.requestCount(.generate) == 0)
    }

    @Test("issue prints the value only with --stdout; revoke --uuid revokes and records")
    func issueAndRevoke() async throws {
        let scenario = try await RotationScenario.make(seeds: [])
        defer { Task { await scenario.stop() } }
        let quiet = await scenario.world.run(["issue", "--controller", "ci", "--user", "dave", "--name", "build"])
        #expect(quiet.status == 2 || quiet.status == 1)  // dave does not exist in Jenkins: 404
        let issued = await scenario.world.run(
            ["issue", "--controller", "ci", "--user", "rotation-admin", "--name", "build", "--stdout"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let value = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(value.count == 34 && value.hasPrefix("11"))
        #expect(try await scenario.authenticates(value, as: "rotation-admin"))
        #expect(
            try String(contentsOfFile: scenario.world.path("sinks/ci/rotation-admin/build.token"), encoding: .utf8)
                == value + "\n")
        let listed = await scenario.world.run(["inventory", "list", "--format", "json"])
        let rows = try #require(try decodeJSON(listed.stdout) as? [[String: Any]])
        let uuid = try #require(rows.first { $0["name"] as? String == "build" }?["uuid"] as? String)
        let revoked = await scenario.world.run(["revoke", "--uuid", uuid])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try await !scenario.authenticates(value, as: "rotation-admin"))
        #expect(try scenario.world.inventory().token(uuid: uuid)?.state == .revoked)
    }

    @Test("check reports healthy controllers and names what is wrong with the others")
    func check() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        let good = await scenario.world.run(["check"])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("authenticated as rotation-admin"))
        #expect(good.stdout.contains("crumb fetched"))
        #expect(good.stdout.contains("2.555.1"))
        scenario.world.variables["ADMIN_PASSWORD"] = "wrong"
        let bad = await scenario.world.run(["check"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("FAIL"))
        scenario.world.variables["ADMIN_PASSWORD"] = nil
        let missing = await scenario.world.run(["check"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("ADMIN_PASSWORD"))
    }
}

@Suite("Rotation: Jenkins versions and interruption")
struct RotationVersionTests {
    typealias Seed = RotationScenario.Seed

    @Test("on Jenkins 2.548+ jenkins_expiry: auto mints with expiry ceil((max_age + grace) / 1 day)")
    func nativeExpiry() async throws {
        let scenario = try await RotationScenario.make(grace: "12h")
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 0, "\(result.stderr)")
        // The old token is retiring for 12h; its successor carries the native expiry.
        let token = try #require(await scenario.jenkinsTokens(of: "alice").first { $0.uuid != scenario.tokens[0].uuid })
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let expected = calendar.date(byAdding: .day, value: 91, to: Date())!
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = .current
        #expect(token.expires == formatter.string(from: expected))
    }

    @Test("jenkins_expiry: on against a Jenkins older than 2.548 fails the rotation and check, changing nothing")
    func expiryOnOldJenkins() async throws {
        let scenario = try await RotationScenario.make(
            jenkinsVersion: "2.479.3",
            extraPolicy: "rules:\n  - match: { user: \"*\" }\n    jenkins_expiry: on\n")
        defer { Task { await scenario.stop() } }
        let alice = scenario.tokens[0]
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("2.548"))
        #expect(await scenario.simulator.requestCount(.generate) == 0)
        #expect(scenario.sinkValue(alice) == alice.value)
        let check = await scenario.world.run(["check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("jenkins_expiry: on needs Jenkins 2.548"))
    }

    @Test("SIGTERM finishes the token in flight, starts no new one, records the run and exits 1")
    func interrupted() async throws {
        let binary = try #require(CrashTests.executable)
        let scenario = try await RotationScenario.make(
            seeds: (0..<6).map { Seed(user: "user\($0)", name: "ci", ageDays: 120) },
            faults: ["any:slow=150ms"], extraPolicy: "")
        defer { Task { await scenario.stop() } }
        try scenario.world.writePolicy(
            try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8)
                .replacingOccurrences(of: "concurrency: 4", with: "concurrency: 1"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["rotate", "--db", scenario.world.database, "--policy", scenario.world.policyPath]
        process.environment = scenario.world.variables.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<400 where await scenario.simulator.requestCount(.generate) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(process.processIdentifier, SIGTERM)
        await process.exited()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 1)
        #expect(await scenario.simulator.requestCount(.generate) < 6)
        let inventory = try scenario.world.inventory()
        #expect(try inventory.unfinishedRotations().isEmpty)
        await scenario.simulator.clearFaults()
        let rerun = await scenario.world.run(["rotate"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        for token in scenario.tokens {
            let value = try #require(scenario.sinkValue(token))
            #expect(try await scenario.authenticates(value, as: token.user))
        }
    }

    @Test("token_name placeholders: {date} is the rotation's UTC day and {rotation} its journal id")
    func tokenNamePlaceholders() async throws {
        let scenario = try await RotationScenario.make(
            extraPolicy: "rules:\n  - match: { user: \"*\" }\n    token_name: \"{name}-{date}-r{rotation}\"\n")
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 0, "\(result.stderr)")
        let history = await scenario.world.run(["history", "--format", "json"])
        let row = try #require((try decodeJSON(history.stdout) as? [[String: Any]])?.first)
        let id = try #require(row["rotation_id"] as? Int)
        #expect(row["new_name"] as? String == "ci-\(Timestamp.day(Date()))-r\(id)")
        #expect(await scenario.jenkinsTokens(of: "alice").map(\.name) == ["ci-\(Timestamp.day(Date()))-r\(id)"])
    }
}

@Suite("Rotation: self mode failures")
struct SelfModeFailureTests {
    @Test("in self mode one dead token fails alone; the controller keeps rotating the others")
    func deadTokenDoesNotStopController() async throws {
        let scenario = try await RotationScenario.make(
            auth: .selfMode,
            seeds: [
                .init(user: "alice", name: "ci", ageDays: 120), .init(user: "bob", name: "ci", ageDays: 120),
                .init(user: "carol", name: "ci", ageDays: 120),
            ])
        defer { Task { await scenario.stop() } }
        // alice's file holds a value Jenkins never issued. With concurrency 1 the engine runs two rotations at once
        // (alice's and bob's); carol's waits for one of them to end, and alice's fails at its first request.
        try makeTokenValue().appending("\n").write(
            toFile: scenario.tokens[0].sinkPath, atomically: true, encoding: .utf8)
        try scenario.world.writePolicy(
            try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8)
                .replacingOccurrences(of: "concurrency: 4", with: "concurrency: 1"))
        let result = await scenario.world.run(["rotate", "--format", "json"])
        #expect(result.status == 1)
        let document = try #require(try decodeJSON(result.stdout) as? [String: Any])
        #expect(document["failed"] as? Int == 1)
        #expect(document["rotated"] as? Int == 2)
        #expect(document["skipped"] as? Int == 0)
    }
}

@Suite("Rotation: inventory failures")
struct InventoryFailureTests {
    /// The fault needs `chattr +i` (root on ext4 or similar), as on this project's machines and CI.
    static let canFreezeFiles: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("chattr-probe-\(getpid())").path
        guard FileManager.default.createFile(atPath: probe, contents: Data("x".utf8)) else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        func chattr(_ flag: String) -> Bool {
            guard let process = try? Process.run(URL(fileURLWithPath: "/usr/bin/chattr"), arguments: [flag, probe])
            else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        let frozen = chattr("+i")
        let writable = (try? "y".write(toFile: probe, atomically: false, encoding: .utf8)) != nil
        _ = chattr("-i")
        return frozen && !writable
    }()

    @Test(
        "a journal write that fails mid-run stops the run with exit 1 (things changed), and the next run resolves it",
        .enabled(if: canFreezeFiles, "needs chattr +i to make the inventory's files immutable"))
    func journalWriteFailsMidRun() async throws {
        let scripts = try TestWorld()
        let scenario = try await RotationScenario.make(
            deliver: """
                    - file: { path: "{sinks}/{controller}/{user}/{name}.token" }
                    - command: ["\(scripts.path("freeze-inventory"))"]
                """)
        defer { Task { await scenario.stop() } }
        let database = scenario.world.database
        // The command sink runs between `minted` and `delivered`: it makes the inventory's files immutable
        // (not -shm: SQLite maps it, and a write fault there is a SIGBUS, not an error).
        _ = try scripts.write(
            "#!/bin/sh\ncat >/dev/null\nchattr +i '\(database)' '\(database)-wal'\n", to: "freeze-inventory",
            mode: 0o755)
        let result = await scenario.world.run(["rotate"])
        _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/chattr"), arguments: ["-i", database, database + "-wal"])
            .waitUntilExit()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("the run stopped"))
        try FileManager.default.removeItem(atPath: scripts.path("freeze-inventory"))
        _ = try scripts.write("#!/bin/sh\ncat >/dev/null\n", to: "freeze-inventory", mode: 0o755)
        let rerun = await scenario.world.run(["rotate"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let value = try #require(scenario.sinkValue(scenario.tokens[0]))
        #expect(try await scenario.authenticates(value, as: "alice"))
        #expect(await scenario.jenkinsTokens(of: "alice").count == 1)
    }
}

/// A one-way switch shared between tasks.
final class Flag: Sendable {
    private let value = LockedValue(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
