import Foundation
import InventoryStore
import JenkinsSimulator
import RotatorCore
import Testing

/// SPEC §4.8: SIGKILL at any instant leaves a state the next run resolves. The real `token-rotator` executable runs
/// as a child process and is killed at each request of a rotation (the simulator holds the k-th request open, before
/// or after doing the work) and in the middle of a sink command (after the command's consumer took the value, before
/// the command returned), for file, command and mixed sinks in both modes. After each kill: every consumer's value
/// still authenticates; after the next run: one token in Jenkins, known to the inventory, held by every consumer,
/// and no unfinished rotation.
@Suite("Crash safety", .serialized)
struct CrashTests {
    static var executable: String? {
        let candidates = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("token-rotator").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/token-rotator").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Which sinks the rule has, in the order written.
    enum Sinks: String, CaseIterable, Sendable {
        case file, command
        case commandAndFile = "command+file"
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var auth: RotationScenario.Auth
        var sinks: Sinks
        var testDescription: String { "\(auth == .selfMode ? "self" : "password") \(sinks.rawValue)" }
    }

    static let cases: [Case] = [
        Case(auth: .password, sinks: .file), Case(auth: .password, sinks: .command),
        Case(auth: .password, sinks: .commandAndFile), Case(auth: .selfMode, sinks: .file),
        Case(auth: .selfMode, sinks: .commandAndFile),
    ]

    /// A scenario whose rule delivers to `sinks`. The command sink is a script that stores what it reads on stdin in
    /// `consumer` (standing for Vault or a credential store the tool cannot read back); with `pauseAfterStoring`
    /// it then leaves a marker and sleeps, so that the test can kill the rotator mid-command.
    /// While the file `<folder>/fail` exists, the command fails without storing anything.
    static func scenario(_ crashCase: Case, faults: [String] = [], pauseAfterStoring: Bool = false) async throws
        -> (RotationScenario, consumers: [String], marker: String)
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let consumer = folder + "/consumer.value"
        let marker = folder + "/stored.marker"
        let script = folder + "/push-secret"
        // Pauses once: the next run's delivery goes straight through.
        let pauseOnce = folder + "/pause-once"
        let pause = "if [ -e \(pauseOnce) ]; then /bin/rm \(pauseOnce); /usr/bin/touch \(marker); /bin/sleep 30; fi\n"
        if pauseAfterStoring { #expect(FileManager.default.createFile(atPath: pauseOnce, contents: nil)) }
        let failing = "if [ -e \(folder)/fail ]; then exit 1; fi\n"
        try "#!/bin/sh\n\(failing)/bin/cat > \(consumer).tmp && /bin/mv \(consumer).tmp \(consumer) || exit 1\n\(pause)"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o700)
        let file = #"    - file: { path: "{sinks}/{controller}/{user}/{name}.token" }"#
        let command = "    - command: [\"\(script)\"]"
        let deliver =
            switch crashCase.sinks {
            case .file: file
            case .command: command
            case .commandAndFile: command + "\n" + file
            }
        let scenario = try await RotationScenario.make(auth: crashCase.auth, faults: faults, deliver: deliver)
        var consumers = [consumer]
        if crashCase.sinks != .command { consumers.append(scenario.tokens[0].sinkPath) }
        if crashCase.sinks != .file {
            try (scenario.tokens[0].value + "\n").write(toFile: consumer, atomically: true, encoding: .utf8)
        }
        return (scenario, crashCase.sinks == .file ? [scenario.tokens[0].sinkPath] : consumers, marker)
    }

    static func startRotator(_ scenario: RotationScenario) throws -> Process {
        let binary = try #require(Self.executable, "build the token-rotator executable first")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "rotate", "--db", scenario.world.database, "--policy", scenario.world.policyPath, "--log-format", "json",
        ]
        process.environment = scenario.world.variables.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// SIGKILLs the rotator once its sink command has stored the value and paused (the marker exists).
    static func killOnceStored(_ process: Process, marker: String) async throws {
        var stored = false
        for _ in 0..<2_000 where process.isRunning {
            if FileManager.default.fileExists(atPath: marker) {
                stored = true
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(stored, "the sink command never ran")
        kill(process.processIdentifier, SIGKILL)
        await process.exited()
    }

    /// What every consumer holds must authenticate as alice; after a rerun the world must be settled.
    static func expectResolved(_ scenario: RotationScenario, consumers: [String], _ label: String) async throws {
        func value(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for consumer in consumers {
            let held = try #require(value(consumer), "\(label): \(consumer) missing after the crash")
            #expect(try await scenario.authenticates(held, as: "alice"), "\(label): \(consumer) dead after the crash")
        }
        // The next run's resume alone (no new rotation to cover what it did) must keep every consumer working.
        _ = await scenario.world.run(["rotate", "--max", "0", "--format", "json"])
        for consumer in consumers {
            let held = try #require(value(consumer), "\(label): \(consumer) missing after the resume")
            #expect(try await scenario.authenticates(held, as: "alice"), "\(label): \(consumer) dead after the resume")
        }
        let rerun = await scenario.world.run(["rotate", "--format", "json"])
        #expect(rerun.status == 0, "\(label): \(rerun.stdout) \(rerun.stderr)")
        let inJenkins = await scenario.jenkinsTokens(of: "alice")
        #expect(inJenkins.count == 1, "\(label): Jenkins holds \(inJenkins.count) tokens for alice")
        let inventory = try scenario.world.inventory()
        for consumer in consumers {
            let held = try #require(value(consumer))
            #expect(try await scenario.authenticates(held, as: "alice"), "\(label): \(consumer) dead after rerun")
            #expect(inJenkins.first.map { $0.uuid } == (try inventory.tokens().first { $0.user == "alice" }?.uuid))
        }
        for token in inJenkins {
            let known = try inventory.token(uuid: token.uuid)
            #expect(known?.state == .active, "\(label): \(token.uuid) unknown to the inventory")
        }
        #expect(try inventory.unfinishedRotations().isEmpty, "\(label): unfinished rotations remain")
    }

    @Test(
        "SIGKILL at every request of a rotation never loses a credential",
        arguments: cases, ["hold", "hold-before"])
    func killAtEveryRequest(crashCase: Case, hold: String) async throws {
        var k = 1
        var reachedTheEnd = false
        var crashPoints = 0
        while !reachedTheEnd && k <= 12 {
            let (scenario, consumers, _) = try await Self.scenario(crashCase, faults: ["any:\(hold),nth=\(k)"])
            let process = try Self.startRotator(scenario)
            var held = false
            for _ in 0..<2_000 where process.isRunning {
                if await scenario.simulator.heldCount() > 0 {
                    held = true
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            if held {
                crashPoints += 1
                kill(process.processIdentifier, SIGKILL)
            } else {
                reachedTheEnd = true
            }
            await process.exited()
            await scenario.simulator.clearFaults()
            await scenario.simulator.releaseHeld()
            try await Self.expectResolved(scenario, consumers: consumers, "\(crashCase.testDescription) k=\(k) \(hold)")
            await scenario.stop()
            k += 1
        }
        #expect(reachedTheEnd, "a rotation took more than 12 requests")
        // At least: generate, verify, revoke (+ version and crumb with a password, + confirm where the old value is
        // at hand).
        #expect(crashPoints >= 4, "the crash points did not cover a whole rotation")
    }

    @Test(
        "SIGKILL in the middle of a sink command (its consumer already holds the new value) never loses a credential",
        arguments: cases.filter { $0.sinks != .file })
    func killMidCommand(crashCase: Case) async throws {
        let (scenario, consumers, marker) = try await Self.scenario(crashCase, pauseAfterStoring: true)
        let process = try Self.startRotator(scenario)
        try await Self.killOnceStored(process, marker: marker)
        try await Self.expectResolved(scenario, consumers: consumers, "\(crashCase.testDescription) mid-command")
        await scenario.stop()
    }

    @Test(
        "SIGKILL mid-command, then a command that keeps failing: the file keeps a working token, nothing is revoked",
        .timeLimit(.minutes(2)), arguments: cases.filter { $0.sinks == .commandAndFile })
    func killMidCommandThenCommandFails(crashCase: Case) async throws {
        let (scenario, consumers, marker) = try await Self.scenario(crashCase, pauseAfterStoring: true)
        let folder = URL(fileURLWithPath: marker).deletingLastPathComponent().path
        let process = try Self.startRotator(scenario)
        try await Self.killOnceStored(process, marker: marker)
        #expect(FileManager.default.createFile(atPath: folder + "/fail", contents: nil))
        for run in 1...2 {
            let result = await scenario.world.run(["rotate", "--format", "json"])
            #expect(result.status == 1, "run \(run): \(result.stdout) \(result.stderr)")
            for consumer in consumers {
                let held = try #require(
                    (try? String(contentsOfFile: consumer, encoding: .utf8))?
                        .trimmingCharacters(in: .whitespacesAndNewlines),
                    "run \(run): \(consumer) was emptied")
                #expect(try await scenario.authenticates(held, as: "alice"), "run \(run): \(consumer) dead")
            }
            #expect(try scenario.world.inventory().unfinishedRotations().count == 1, "run \(run)")
        }
        try FileManager.default.removeItem(atPath: folder + "/fail")
        try await Self.expectResolved(scenario, consumers: consumers, "\(crashCase.testDescription) failing command")
        await scenario.stop()
    }
}
