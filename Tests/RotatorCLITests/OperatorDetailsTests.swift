import Foundation
import RotatorCore
import Testing

/// SPEC §8.10: `check --format json`, `inventory import -`, importing `report --format csv`, the CSV formula guard.
@Suite("Operator details")
struct OperatorDetailsTests {
    @Test("check --format json: one object per controller, booleans as booleans, null where unknown")
    func checkJSON() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        let world = scenario.world
        var policy = try String(contentsOfFile: world.policyPath, encoding: .utf8)
        policy = policy.replacingOccurrences(
            of: "controllers:\n",
            with: """
                controllers:
                  down:
                    url: http://127.0.0.1:1/
                    auth: { user: rotation-admin, token_env: DOWN_TOKEN }
                    timeout: 2s
                  nosecret:
                    url: https://jenkins.example.com/
                    auth: { user: rotation-admin, token_env: NOT_SET_ANYWHERE }

                """)
        try world.writePolicy(policy)
        world.variables["DOWN_TOKEN"] = makeTokenValue()
        let result = await world.run(["check", "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("valid"))
        let rows = try #require(try decodeJSON(result.stdout) as? [[String: Any]], "\(result.stdout)")
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["controller"] as? String ?? "?", $0) })
        #expect(Set(byID.keys) == ["ci", "down", "nosecret"])
        for row in rows {
            #expect(
                Set(row.keys) == [
                    "controller", "url", "ok", "actor", "version", "csrf", "native_expiry", "plain_http", "error",
                ])
            for key in ["ok", "csrf", "native_expiry", "plain_http"] {
                #expect(row[key] is Bool, "\(key) in \(row)")
            }
        }
        let ci = try #require(byID["ci"])
        #expect(ci["ok"] as? Bool == true)
        #expect(ci["actor"] as? String == "rotation-admin")
        #expect(ci["version"] as? String == "2.555.1")
        #expect(ci["csrf"] as? Bool == true)
        #expect(ci["plain_http"] as? Bool == false)  // loopback: plain http there is no exposure (SPEC §8.1)
        #expect(ci["error"] is NSNull)
        let down = try #require(byID["down"])
        #expect(down["ok"] as? Bool == false)
        #expect(down["actor"] is NSNull)
        #expect((down["error"] as? String)?.isEmpty == false)
        let nosecret = try #require(byID["nosecret"])
        #expect(nosecret["ok"] as? Bool == false)
        #expect(nosecret["plain_http"] as? Bool == false)
        #expect((nosecret["error"] as? String)?.contains("NOT_SET_ANYWHERE") == true, "\(nosecret)")
    }

    @Test("report --format csv of one inventory, piped into inventory import -, rebuilds the same tokens")
    func reportCSVImportsBack() async throws {
        let source = try await OfflineCommandTests.seededWorld()
        let report = await source.run(["report", "--format", "csv", "--all"])
        #expect(report.status == 4)
        let target = try TestWorld()
        try target.writePolicy(OfflineCommandTests.policy)
        target.standardInput = Data(report.stdout.utf8)
        let imported = await target.run(["inventory", "import", "-"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported 4 tokens from <stdin>"))
        let columns = ["controller", "user", "name", "uuid", "created"]
        func tokens(_ world: TestWorld) async throws -> [[String]] {
            let listed = await world.run(["inventory", "list", "--format", "json"])
            let rows = try #require(try decodeJSON(listed.stdout) as? [[String: Any]])
            return rows.map { row in columns.map { row[$0] as? String ?? "" } }.sorted { $0[3] < $1[3] }
        }
        #expect(try await tokens(target) == tokens(source))
    }

    @Test("a bad line read from stdin is named as <stdin>:LINE and imports nothing")
    func stdinErrors() async throws {
        let world = try TestWorld()
        world.standardInput = Data("controller,user,name,uuid,created\nci,u,n,not-a-uuid,2026-01-01\n".utf8)
        let result = await world.run(["inventory", "import", "-"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("<stdin>:2"), "\(result.stderr)")
    }

    @Test("a uuid repeated on stdin names the line it first appeared on, as it does in a file")
    func stdinRepeat() async throws {
        let world = try TestWorld()
        let row = "ci,u,n,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-01\n"
        let other = "ci,u,other,4a4d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-01\n"
        world.standardInput = Data(("controller,user,name,uuid,created\n" + row + other + row).utf8)
        let result = await world.run(["inventory", "import", "-"])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains(
                "<stdin>:4: uuid 0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10 already appears on line 2"),
            "\(result.stderr)")
    }

    @Test("CSV cells a spreadsheet would run as a formula get a leading quote; numbers never do")
    func formulaGuard() async throws {
        let world = try TestWorld()
        try world.writePolicy(OfflineCommandTests.policy)
        let file = try world.write(
            """
            controller,user,name,uuid,created
            ci-main,=HYPERLINK("http://x"),+sum,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-06-05T00:00:00Z
            ci-main,@ops,-dash,1b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-06-05T00:00:00Z

            """, to: "odd.csv")
        #expect(await world.run(["inventory", "import", file]).status == 0)
        world.now = Timestamp.parse("2026-06-01T00:00:00Z")  // before `created`: negative ages
        let csv = await world.run(["inventory", "list", "--format", "csv"])
        #expect(csv.stdout.contains("\"'=HYPERLINK(\"\"http://x\"\")\",'+sum,"), "\(csv.stdout)")
        #expect(csv.stdout.contains(",'@ops,'-dash,"))
        #expect(csv.stdout.contains(",-345600,"), "negative numbers stay numbers: \(csv.stdout)")
        let json = await world.run(["inventory", "list", "--format", "json"])
        #expect(json.stdout.contains("\"user\": \"@ops\""), "JSON is never guarded")
    }
}
