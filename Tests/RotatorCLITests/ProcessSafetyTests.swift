import Foundation
import InventoryStore
import JenkinsSimulator
import RotatorCore
import Testing

@testable import RotatorCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process that holds secrets, and the sink commands it starts (SPEC §8.12). These run the real
/// executable: what matters is what `token-rotator` does to itself at start and on signals.
@Suite("Process safety: core dumps, sink signals, second signal", .serialized)
struct ProcessSafetyTests {
    /// A rotation whose only sink is `/bin/sh -c script` (the value arrives on its stdin).
    static func scenario(script: String, timeout: String = "60s") async throws -> RotationScenario {
        try await RotationScenario.make(
            deliver: """
                    - command: { argv: ["/bin/sh", "-c", "\(script)"], timeout: \(timeout) }
                """)
    }

    /// Starts the executable through a shell that first raises the soft core limit, as an operator's
    /// environment may have it; output goes to files so the child never blocks on a full pipe.
    static func launch(_ scenario: RotationScenario, _ arguments: [String]) throws -> Process {
        let binary = try #require(CrashTests.executable, "build the token-rotator executable first")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments =
            ["-c", "ulimit -S -c 1024 2>/dev/null; exec \"$0\" \"$@\"", binary]
            + arguments + ["--db", scenario.world.database, "--policy", scenario.world.policyPath]
        process.environment = scenario.world.variables.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        #expect(FileManager.default.createFile(atPath: scenario.world.path("stdout"), contents: nil))
        #expect(FileManager.default.createFile(atPath: scenario.world.path("stderr"), contents: nil))
        process.standardOutput = FileHandle(forWritingAtPath: scenario.world.path("stdout"))
        process.standardError = FileHandle(forWritingAtPath: scenario.world.path("stderr"))
        try process.run()
        return process
    }

    static func waitForFile(_ path: String, seconds: Int = 20) async throws -> String? {
        for _ in 0..<(seconds * 100) {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") { return text }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Alive and not a zombie.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    @Test("token-rotator runs with RLIMIT_CORE 0, which its sink commands inherit, and with default signals")
    func noCoreDumps() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("core-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let scenario = try await Self.scenario(
            script: "cat > /dev/null; (ulimit -c; ulimit -H -c; grep -E '^Sig(Ign|Blk)' /proc/self/status) > \(out)")
        defer { Task { await scenario.stop() } }
        let process = try Self.launch(scenario, ["rotate"])
        await process.exited()
        #expect(process.terminationStatus == 0, "\(scenario.world.read("stderr") ?? "")")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.prefix(2) == ["0", "0"], "\(lines)")
        #expect(lines.contains("SigBlk:\t0000000000000000"), "\(lines)")
    }

    @Test("a second SIGTERM kills the sink command's process group before token-rotator exits")
    func secondSignalKillsSinkGroup() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let scenario = try await Self.scenario(
            script: "cat > /dev/null; sleep 30 & echo $! > \(pidFile); wait")
        defer { Task { await scenario.stop() } }
        let process = try Self.launch(scenario, ["rotate"])
        let text = try #require(try await Self.waitForFile(pidFile), "the sink command never started")
        let sleeper = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.isRunning(sleeper))
        kill(process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(200))
        #expect(Self.isRunning(sleeper), "the first signal lets the delivery in flight finish")
        kill(process.processIdentifier, SIGTERM)
        await process.exited()
        #expect(process.terminationStatus == 128 + SIGTERM)
        for _ in 0..<200 where Self.isRunning(sleeper) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!Self.isRunning(sleeper), "the sink's child outlived token-rotator")
        if Self.isRunning(sleeper) { kill(sleeper, SIGKILL) }
    }

    @Test("issue, like rotate, lets the token in flight finish and be recorded on a first SIGTERM")
    func issueFinishesOnSignal() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("issue-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let scenario = try await Self.scenario(script: "cat > /dev/null; echo started > \(marker); sleep 1")
        defer { Task { await scenario.stop() } }
        let process = try Self.launch(
            scenario, ["issue", "--controller", "ci", "--user", "alice", "--name", "signalled"])
        _ = try #require(try await Self.waitForFile(marker), "the sink command never started")
        kill(process.processIdentifier, SIGTERM)
        await process.exited()
        #expect(process.terminationStatus == 0, "\(scenario.world.read("stderr") ?? "")")
        let issued = try scenario.world.inventory().tokens().filter { $0.name == "signalled" }
        #expect(issued.count == 1)
        #expect(try scenario.world.inventory().unfinishedRotations().isEmpty)
    }

    @Test("the hardening makes the process not dumpable")
    func notDumpable() {
        #expect(ProcessHardening.isDumpable == true)
        ProcessHardening.setDumpable(false)
        #expect(ProcessHardening.isDumpable == false)
        ProcessHardening.setDumpable(true)
    }
}
