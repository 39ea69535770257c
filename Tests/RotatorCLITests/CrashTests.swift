import Foundation
import InventoryStore
import JenkinsSimulator
import RotatorCore
import Testing

/// SPEC §4.8: SIGKILL at any instant leaves a state the next run resolves. The real `token-rotator`
/// executable runs as a child process; the simulator holds its k-th request open (before or after doing
/// the work), the test kills the process there, then checks the invariants, reruns, and checks again.
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

    @Test(
        "SIGKILL at every request of a rotation never loses a credential",
        arguments: ["hold", "hold-before"])
    func killAtEveryRequest(hold: String) async throws {
        let binary = try #require(Self.executable, "build the token-rotator executable first")
        var k = 1
        var reachedTheEnd = false
        var crashPoints = 0
        while !reachedTheEnd && k <= 12 {
            let scenario = try await RotationScenario.make(faults: ["any:\(hold),nth=\(k)"])
            let alice = scenario.tokens[0]
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [
                "rotate", "--db", scenario.world.database, "--policy", scenario.world.policyPath, "--log-format",
                "json",
            ]
            process.environment = scenario.world.variables.merging(["PATH": "/usr/bin:/bin"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
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
            process.waitUntilExit()
            await scenario.simulator.clearFaults()
            await scenario.simulator.releaseHeld()

            // Right after the crash: whatever the sink holds still authenticates.
            let afterCrash = try #require(scenario.sinkValue(alice), "k=\(k) \(hold): sink missing")
            #expect(
                try await scenario.authenticates(afterCrash, as: "alice"), "k=\(k) \(hold): sink value dead after crash"
            )

            // The next run resolves what the crash left.
            let rerun = await scenario.world.run(["rotate", "--format", "json"])
            #expect(rerun.status == 0, "k=\(k) \(hold): \(rerun.stdout) \(rerun.stderr)")
            let value = try #require(scenario.sinkValue(alice))
            #expect(try await scenario.authenticates(value, as: "alice"), "k=\(k) \(hold): sink value dead after rerun")
            let inJenkins = await scenario.jenkinsTokens(of: "alice")
            #expect(inJenkins.count == 1, "k=\(k) \(hold): Jenkins holds \(inJenkins.count) tokens for alice")
            let inventory = try scenario.world.inventory()
            for token in inJenkins {
                let known = try inventory.token(uuid: token.uuid)
                #expect(known?.state == .active, "k=\(k) \(hold): \(token.uuid) unknown to the inventory")
                #expect(known?.fingerprint == nil || known?.fingerprint == Secret(value).fingerprint)
            }
            #expect(try inventory.unfinishedRotations().isEmpty, "k=\(k) \(hold): unfinished rotations remain")
            await scenario.stop()
            k += 1
        }
        #expect(reachedTheEnd, "a rotation took more than 12 requests")
        // Password auth: version, crumb, generate, verify, revoke, confirm the old token is dead.
        #expect(crashPoints >= 6, "the crash points did not cover a whole rotation")
    }
}
