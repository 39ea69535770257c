import Foundation
import Testing

/// The files of cron/ as they are installed: the wrapper passes shellcheck and does what it says, the systemd
/// units pass `systemd-analyze verify` and carry the settings the README promises, the crontab parses.
@Suite("cron/ and systemd files")
struct SchedulingFilesTests {
    static let cron = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("cron").path
    static let wrapper = cron + "/token-rotator-cron"
    static let hasShellcheck = FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck")
    static let hasSystemdAnalyze = FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: cron + "/" + name, encoding: .utf8)
    }

    /// Runs a program; returns its status and its stdout and stderr together.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (
        Int32, String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Every `Key=value` of a unit file, in order (comments and section headers left out).
    static func settings(_ unit: String) -> [(String, String)] {
        unit.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    @Test("the wrapper passes shellcheck", .enabled(if: hasShellcheck, "shellcheck is not installed: skipped"))
    func shellcheck() throws {
        let (status, output) = try Self.run("/usr/bin/shellcheck", ["--shell=sh", Self.wrapper])
        #expect(status == 0, "\(output)")
        #expect(FileManager.default.isExecutableFile(atPath: Self.wrapper))
    }

    @Test(
        "the service, the timer and the OnFailure unit pass systemd-analyze verify with no message",
        .enabled(if: hasSystemdAnalyze, "systemd-analyze is not installed: skipped"))
    func systemdVerify() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // As installed, except that ExecStart points at the wrapper in this checkout (verify checks it exists).
        for name in ["token-rotator.service", "token-rotator.timer", "token-rotator-failure@.service"] {
            let unit = try Self.text(name).replacingOccurrences(
                of: "/usr/local/lib/token-rotator/token-rotator-cron", with: Self.wrapper)
            try unit.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        let (status, output) = try Self.run(
            "/usr/bin/systemd-analyze",
            ["verify", "--man=no"]
                + ["token-rotator.service", "token-rotator.timer", "token-rotator-failure@.service"].map {
                    folder + "/" + $0
                })
        #expect(status == 0)
        #expect(output.isEmpty, "\(output)")
    }

    @Test("the service is started by its timer only, times out, reports failures and is hardened as documented")
    func serviceSettings() throws {
        let unit = try Self.text("token-rotator.service")
        #expect(
            !unit.split(separator: "\n").contains("[Install]"), "enabling the service itself would rotate at every boot"
        )
        let settings = Self.settings(unit)
        func values(_ key: String) -> [String] { settings.filter { $0.0 == key }.map(\.1) }
        #expect(values("Type") == ["oneshot"])
        #expect(values("TimeoutStartSec").count == 1)
        #expect(values("OnFailure") == ["token-rotator-failure@%n.service"])
        #expect(values("Documentation").contains("man:token-rotator(1)"))
        #expect(values("LoadCredential").allSatisfy { $0.hasPrefix("jenkins-admin-token:/etc/token-rotator/") })
        #expect(!values("LoadCredential").isEmpty)
        #expect(values("ProtectProc") == ["invisible"])
        #expect(values("ProcSubset") == ["pid"])
        #expect(values("PrivateIPC") == ["true"])
        #expect(values("SystemCallFilter").contains("~@privileged @resources"))
        #expect(values("SuccessExitStatus") == ["3"])
        let timer = Self.settings(try Self.text("token-rotator.timer"))
        let calendar = try #require(timer.first { $0.0 == "OnCalendar" }?.1)
        #expect(calendar.hasSuffix(" UTC"), "\(calendar)")
    }

    @Test("the crontab parses: variables, then one job at a minute and hour outside every daylight-saving switch")
    func crontab() throws {
        var jobs: [[Substring]] = []
        var variables: [String: String] = [:]
        for line in try Self.text("token-rotator.crontab").split(separator: "\n") where !line.hasPrefix("#") {
            if let equals = line.firstIndex(of: "="), !line[..<equals].contains(" ") {
                variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
                continue
            }
            let fields = line.split(separator: " ", maxSplits: 5)
            #expect(fields.count == 6, "not a crontab line: \(line)")
            jobs.append(fields)
        }
        #expect(variables["SHELL"] == "/bin/sh")
        #expect(variables["PATH"]?.contains("/usr/local/bin") == true)
        #expect(Int(variables["TOKEN_ROTATOR_JITTER"] ?? "") ?? 0 > 0)
        let job = try #require(jobs.first)
        #expect(jobs.count == 1)
        let minute = try #require(Int(job[0]))
        let hour = try #require(Int(job[1]))
        #expect((0...59).contains(minute) && minute != 0, "an odd minute keeps off the top-of-the-hour crowd")
        // Daylight-saving switches happen from 01:00 to 03:59 local time; the job and its jitter stay clear.
        #expect(!(1...3).contains(hour) && hour < 23)
        #expect(job[2...4] == ["*", "*", "*"])
        #expect(job[5] == "/usr/local/lib/token-rotator/token-rotator-cron")
    }

    // MARK: - The wrapper, run for real

    /// A folder with a policy, an env file and a fake or real token-rotator; returns the wrapper's environment.
    static func wrapperWorld(_ folder: String, binary: String) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: folder + "/db", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/metrics", withIntermediateDirectories: true)
        try """
        version: 1
        controllers:
          ci:
            url: http://127.0.0.1:1/
            auth: { user: admin, token_env: CI_TOKEN }
            timeout: 1s
        defaults:
          max_age: 90d
          deliver:
            - file: { path: "\(folder)/sinks/{user}.token" }

        """.write(toFile: folder + "/policy.yml", atomically: true, encoding: .utf8)
        try "CI_TOKEN=11aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n".write(
            toFile: folder + "/env", atomically: true, encoding: .utf8)
        return [
            "PATH": "/usr/bin:/bin", "TOKEN_ROTATOR_ENV_FILE": folder + "/env", "TOKEN_ROTATOR_BIN": binary,
            "TOKEN_ROTATOR_DB": folder + "/db/inventory.sqlite", "TOKEN_ROTATOR_POLICY": folder + "/policy.yml",
            "TOKEN_ROTATOR_LOG": folder + "/logs/token-rotator/rotate.log",
            "TOKEN_ROTATOR_METRICS_DIR": folder + "/metrics",
        ]
    }

    @Test("a run creates the log folder, keeps the log JSON lines, writes the result and both textfiles")
    func wrapperRun() throws {
        let world = try TestWorld()
        var environment = try Self.wrapperWorld(world.folder, binary: builtExecutable("token-rotator"))
        environment["TOKEN_ROTATOR_LOG_LEVEL"] = "debug"
        // One overdue token on a controller that cannot be reached: the run fails (exit 1) and logs why.
        let (added, addOutput) = try Self.run(
            builtExecutable("token-rotator"),
            [
                "inventory", "add", "--db", world.folder + "/db/inventory.sqlite", "--controller", "ci", "--user",
                "alice", "--name", "ci", "--uuid", "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", "--created",
                "2025-01-01T00:00:00Z",
            ])
        #expect(added == 0, "\(addOutput)")
        let (status, output) = try Self.run("/bin/sh", [Self.wrapper], environment: environment)
        #expect(status == 1, "\(output)")
        #expect(output.contains("some token operations failed"), "\(output)")
        let log = try #require(world.read("logs/token-rotator/rotate.log"))
        let lines = log.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
        let result = try #require(world.read("db/last-run.json"))
        let document = try #require(try decodeJSON(result) as? [String: Any])
        #expect(document["failed"] as? Int == 1)
        #expect(world.read("metrics/token_rotator_run.prom")?.contains("token_rotator_last_run_exit_code 1") == true)
        #expect(world.read("metrics/token_rotator_report.prom")?.contains("token_rotator_tokens_overdue") == true)
        #expect(world.read("metrics/token_rotator_report.prom")?.contains("token_rotator_token_age") == false)
    }

    @Test("a configuration error from token-rotator lands in the log as a JSON line too")
    func configurationErrorIsJSON() throws {
        let world = try TestWorld()
        var environment = try Self.wrapperWorld(world.folder, binary: builtExecutable("token-rotator"))
        try "version: 1\ncontrollers: {}\nnot_a_key: 1\n".write(
            toFile: world.folder + "/policy.yml", atomically: true, encoding: .utf8)
        environment["TOKEN_ROTATOR_METRICS_DIR"] = ""
        let (status, output) = try Self.run("/bin/sh", [Self.wrapper], environment: environment)
        #expect(status == 2, "\(output)")
        #expect(output.contains("configuration error"))
        let log = try #require(world.read("logs/token-rotator/rotate.log"))
        #expect(!log.isEmpty)
        for line in log.split(separator: "\n") {
            #expect(line.hasPrefix("{\"time\":"), "not a JSON log line: \(line)")
        }
    }

    @Test(
        "what is missing is named with the command that fixes it",
        arguments: [
            ("TOKEN_ROTATOR_BIN", "/nonexistent/token-rotator", "/nonexistent/token-rotator is not an executable"),
            ("TOKEN_ROTATOR_POLICY", "/nonexistent/policy.yml", "cannot read the policy /nonexistent/policy.yml"),
            ("TOKEN_ROTATOR_DB", "/nonexistent/db/x.sqlite", "install -d -m 0700"),
            ("TOKEN_ROTATOR_LOG", "{folder}/policy.yml/log/rotate.log", "cannot write the log"),
            ("TOKEN_ROTATOR_JITTER", "soon", "TOKEN_ROTATOR_JITTER=soon is not a number"),
        ])
    func missingPieces(variable: String, value: String, message: String) throws {
        let world = try TestWorld()
        var environment = try Self.wrapperWorld(world.folder, binary: builtExecutable("token-rotator"))
        environment[variable] = value.replacingOccurrences(of: "{folder}", with: world.folder)
        let (status, output) = try Self.run("/bin/sh", [Self.wrapper], environment: environment)
        #expect(status == 2)
        #expect(output.contains(message), "\(output)")
        #expect(world.read("db/last-run.json") == nil, "nothing ran")
    }

    @Test(
        "exit codes become one line a person can act on; a clean run with a token still overdue is exit 4",
        arguments: [
            (0, 0, 0, ""), (0, 4, 4, "still past its max_age"), (1, 4, 1, "some token operations failed"),
            (3, 0, 3, "another run holds the inventory lock"), (2, 2, 2, "configuration error"),
        ])
    func exitCodes(rotate: Int, report: Int, expected: Int32, message: String) throws {
        let world = try TestWorld()
        let fake = try world.write(
            "#!/bin/sh\ncase $1 in rotate) echo '{}'; exit \(rotate) ;; report) exit \(report) ;; esac\nexit 99\n",
            to: "bin/token-rotator", mode: 0o755)
        let environment = try Self.wrapperWorld(world.folder, binary: fake)
        let (status, output) = try Self.run("/bin/sh", [Self.wrapper], environment: environment)
        #expect(status == expected, "\(output)")
        if message.isEmpty {
            #expect(output.isEmpty, "\(output)")
        } else {
            #expect(output.contains(message), "\(output)")
        }
    }
}
