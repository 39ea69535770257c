import Foundation
import RotatorCore
import Testing

@testable import RotatorCLI

/// `report --format prometheus` and `--format html` over the offline fixture (four tokens as of 2026-06-01:
/// alice/ci overdue, svc-deploy/deploy due, bob/laptop fresh, admin/root unmanaged by a skip rule).
@Suite("Report formats")
struct ReportFormatTests {
    @Test("prometheus: HELP and TYPE lines, one sample per managed token without uuid, unmanaged tokens left out")
    func prometheus() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        let result = await world.run(["report", "--format", "prometheus"])
        #expect(result.status == 4)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for metric in [
            "token_rotator_tokens", "token_rotator_tokens_overdue", "token_rotator_oldest_token_age_seconds",
            "token_rotator_token_age_seconds", "token_rotator_token_max_age_seconds",
            "token_rotator_token_due_timestamp_seconds", "token_rotator_token_overdue",
            "token_rotator_report_timestamp_seconds", "token_rotator_build_info",
        ] {
            #expect(lines.contains { $0.hasPrefix("# HELP \(metric) ") })
            #expect(lines.contains("# TYPE \(metric) gauge"))
        }
        let samples = lines.filter { !$0.hasPrefix("#") }
        #expect(samples.filter { $0.hasPrefix("token_rotator_token_age_seconds{") }.count == 3)
        #expect(!result.stdout.contains("name=\"root\""))
        #expect(!result.stdout.contains("uuid="))
        #expect(samples.contains("token_rotator_token_overdue{controller=\"ci-main\",name=\"ci\",user=\"alice\"} 1"))
        #expect(
            samples.contains(
                "token_rotator_token_max_age_seconds{controller=\"ci-main\",name=\"deploy\",user=\"svc-deploy\"} 2592000"
            ))
        #expect(samples.contains("token_rotator_report_timestamp_seconds 1780272000"))
        #expect(samples.contains("token_rotator_build_info{version=\"\(TokenRotatorVersion.current)\"} 1"))
        // Per controller: every state, zero counts included; the skipped admin/root token counts as a token but
        // not as overdue or oldest.
        for (state, count) in [("active", 2), ("retiring", 0), ("revoked", 0)] {
            #expect(samples.contains("token_rotator_tokens{controller=\"ci-main\",state=\"\(state)\"} \(count)"))
        }
        #expect(samples.contains("token_rotator_tokens{controller=\"ci-edge\",state=\"active\"} 2"))
        #expect(samples.contains("token_rotator_tokens_overdue{controller=\"ci-main\"} 1"))
        #expect(samples.contains("token_rotator_tokens_overdue{controller=\"ci-edge\"} 0"))
        // 2026-06-01 minus alice's 2026-01-05 is 147 days; bob's laptop (2026-05-25) is ci-edge's oldest managed.
        #expect(samples.contains("token_rotator_oldest_token_age_seconds{controller=\"ci-main\"} \(147 * 86_400)"))
        #expect(samples.contains("token_rotator_oldest_token_age_seconds{controller=\"ci-edge\"} \(7 * 86_400)"))
    }

    @Test("prometheus --summary keeps the per-controller series and drops the per-token ones")
    func prometheusSummary() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        let result = await world.run(["report", "--format", "prometheus", "--summary"])
        #expect(result.status == 4)
        #expect(result.stdout.contains("token_rotator_tokens_overdue{controller=\"ci-main\"} 1"))
        #expect(result.stdout.contains("token_rotator_build_info"))
        #expect(!result.stdout.contains("token_rotator_token_"))
        let misuse = await world.run(["report", "--format", "json", "--summary"])
        #expect(misuse.status == 2)
    }

    @Test("a controller of the policy with no token yet still has its zero series")
    func prometheusEmptyController() async throws {
        let world = try TestWorld()
        try world.writePolicy(OfflineCommandTests.policy)
        #expect(await world.run(["migrate"]).status == 0)
        let result = await world.run(["report", "--format", "prometheus", "--summary"])
        #expect(result.status == 0)
        for controller in ["ci-main", "ci-edge"] {
            for state in TokenState.allCases {
                #expect(
                    result.stdout.contains(
                        "token_rotator_tokens{controller=\"\(controller)\",state=\"\(state.rawValue)\"} 0"))
            }
        }
    }

    @Test("a retiring token and its active successor (same name) give one per-token series, never a duplicate")
    func prometheusNoDuplicateSeries() async throws {
        let scenario = try await RotationScenario.make(grace: "7d")
        defer { Task { await scenario.stop() } }
        #expect(await scenario.world.run(["rotate"]).status == 0)
        let result = await scenario.world.run(["report", "--format", "prometheus"])
        let samples = result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples.filter { $0.hasPrefix("token_rotator_token_age_seconds{") }.count == 1)
        #expect(samples.contains("token_rotator_tokens{controller=\"ci\",state=\"retiring\"} 1"))
        #expect(samples.contains("token_rotator_tokens{controller=\"ci\",state=\"active\"} 1"))
        let series = samples.map { $0.split(separator: " ").first ?? "" }
        #expect(Set(series).count == series.count, "duplicate series: \(series)")
    }

    @Test("prometheus --output replaces the textfile atomically")
    func prometheusOutput() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        let target = world.path("textfile/tokens.prom")
        _ = try world.write("stale\n", to: "textfile/tokens.prom", mode: 0o644)
        let result = await world.run(["report", "--format", "prometheus", "--output", target])
        #expect(result.stdout.isEmpty)
        let text = try String(contentsOfFile: target, encoding: .utf8)
        #expect(text.hasPrefix("# HELP token_rotator_tokens "))
        #expect(!text.contains("stale"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: world.path("textfile"))
        #expect(leftovers == ["tokens.prom"])
    }

    @Test("html: one self-contained page whose summary, chart and table agree with the data")
    func html() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        world.now = Timestamp.parse("2026-05-30T00:00:00Z")
        let result = await world.run(["report", "--format", "html"])
        let page = result.stdout
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"))
        #expect(!page.contains(" src=") && !page.contains(" href=") && !page.contains("<link"))
        #expect(page.contains("id=\"tokens\" data-value=\"4\""))
        #expect(page.contains("id=\"overdue\" data-value=\"1\""))
        // svc-deploy/deploy: due 2026-05-28 (past, not overdue); nothing else falls due within 7 days.
        #expect(page.contains("id=\"due-this-week\" data-value=\"1\""))
        #expect(page.components(separatedBy: "<tr").count - 1 == 5)
        #expect(page.components(separatedBy: "<tr class=\"overdue\"").count - 1 == 1)
        #expect(page.contains("<svg"))
        #expect(page.contains("class=\"bucket-3\"") && page.contains("data-controller=\"ci-main\" data-count=\"1\""))
        #expect(!page.contains("data-controller=\"ci-edge\" data-count=\"2\""))
    }
}

@Suite("Progress line")
struct ProgressLineTests {
    @Test("shows done/total, failures and time left, and ends the line when done")
    func draws() {
        let output = BufferOutput()
        let line = ProgressLine(output: output)
        line.draw(RunProgress(done: 5, total: 20, failures: 1, elapsed: 10))
        #expect(output.text.hasSuffix("[5/20] 1 failed ~30s left"))
        line.draw(RunProgress(done: 20, total: 20, failures: 1, elapsed: 40))
        #expect(output.text.hasSuffix("[20/20] 1 failed\n"))
        #expect(ProgressLine.duration(125) == "2m05s")
    }

    @Test("a large import shows its progress on a terminal, and nothing on a pipe")
    func importProgress() async throws {
        var csv = "controller,user,name,uuid,created\n"
        for index in 0..<2_500 {
            csv += "ci,user\(index % 50),t\(index),\(UUID().uuidString.lowercased()),2026-01-01T00:00:00Z\n"
        }
        let onTerminal = try TestWorld()
        onTerminal.stderrIsTerminal = true
        let file = try onTerminal.write(csv, to: "tokens.csv")
        let shown = await onTerminal.run(["inventory", "import", file])
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("[1000 read]") && shown.stderr.contains("[2500 imported]\n"), "\(shown.stderr)")
        let onPipe = try TestWorld()
        let quiet = await onPipe.run(["inventory", "import", try onPipe.write(csv, to: "tokens.csv")])
        #expect(quiet.status == 0)
        #expect(!quiet.stderr.contains("\r"))
    }

    @Test("a run whose stderr is not a terminal draws no progress")
    func notOnPipes() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("\r"))
    }
}

@Suite("Run metrics and version")
struct RunMetricsTests {
    @Test("rotate --metrics-file writes the run's health as a textfile, replaced atomically")
    func metricsFile() async throws {
        let scenario = try await RotationScenario.make(
            seeds: [.init(user: "alice", name: "ci", ageDays: 120), .init(user: "bob", name: "ci", ageDays: 120)],
            faults: ["whoami:status=401,count=1"])
        defer { Task { await scenario.stop() } }
        let target = scenario.world.path("metrics/token_rotator.prom")
        let failing = await scenario.world.run(["rotate", "--metrics-file", target])
        #expect(failing.status == 1)
        var text = try String(contentsOfFile: target, encoding: .utf8)
        for metric in [
            "token_rotator_last_run_timestamp_seconds", "token_rotator_last_success_timestamp_seconds",
            "token_rotator_run_rotations", "token_rotator_run_duration_seconds", "token_rotator_uncertain_rotations",
        ] {
            #expect(text.contains("# TYPE \(metric) gauge"))
        }
        #expect(text.contains("token_rotator_run_rotations{outcome=\"rotated\"} 1"))
        #expect(text.contains("token_rotator_run_rotations{outcome=\"failed\"} 1"))
        #expect(text.contains("token_rotator_last_success_timestamp_seconds 0"))
        #expect(text.contains("token_rotator_last_run_exit_code 1\n"))
        let clean = await scenario.world.run(["rotate", "--metrics-file", target])
        #expect(clean.status == 0)
        text = try String(contentsOfFile: target, encoding: .utf8)
        #expect(!text.contains("token_rotator_last_success_timestamp_seconds 0\n"))
        #expect(text.contains("token_rotator_last_run_exit_code 0\n"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scenario.world.path("metrics")) == [
                "token_rotator.prom"
            ])
    }

    @Test("--version prints the version and exits 0")
    func version() async throws {
        let world = try TestWorld()
        let result = await world.run(["--version"], withPaths: false)
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == TokenRotatorVersion.current)
    }
}
