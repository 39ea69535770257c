import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

/// SPEC §4.8 over port fakes: the process "dies" at every side effect of a rotation (each Jenkins request, each
/// sink delivery, each journal write; before and after it takes effect), for every kind of sink and both modes.
/// Two later runs must leave a settled world: one live token, known to the inventory, held by every consumer.
@Suite("Rotation: a crash at every side effect, then resume")
struct RotationCrashMatrixTests {
    struct Setup: Sendable, CustomTestStringConvertible {
        var mode: RotationMode
        var sinks: [FakeRotator.SinkKind]
        var testDescription: String { "\(mode.rawValue) \(sinks.map(\.rawValue).joined(separator: "+"))" }
    }

    static let setups: [Setup] = [
        Setup(mode: .admin, sinks: [.file]),
        Setup(mode: .admin, sinks: [.command]),
        Setup(mode: .admin, sinks: [.command, .command]),
        Setup(mode: .admin, sinks: [.command, .file]),
        Setup(mode: .admin, sinks: [.credential]),
        Setup(mode: .admin, sinks: [.file, .credential, .command]),
        Setup(mode: .self, sinks: [.file]),
        Setup(mode: .self, sinks: [.command, .file]),
        Setup(mode: .self, sinks: [.file, .credential]),
    ]

    @Test("a crash at any side effect leaves a state that the next runs settle", arguments: setups)
    func crashAnywhere(setup: Setup) async throws {
        let clean = try FakeRotator(mode: setup.mode, sinks: setup.sinks)
        let summary = try await clean.rotate()
        #expect(summary.counts.rotated == 1, "\(summary.results)")
        #expect(clean.settledProblems() == [])
        let effects = clean.world.effectCount
        #expect(effects >= 6)

        for index in 1...effects {
            for timing in FakeWorld.CrashTiming.allCases {
                let rotator = try FakeRotator(mode: setup.mode, sinks: setup.sinks)
                rotator.world.crash(at: index, timing)
                _ = try? await rotator.rotate()
                #expect(rotator.world.hasCrashed, "effect \(index) was never reached")
                let at = rotator.world.effectLog.last ?? "?"
                #expect(rotator.consumersHoldingDeadTokens() == [], "after the crash \(timing.rawValue) \(at)")
                rotator.world.restart()
                // Resume alone first (no new rotation to cover what it left), then runs as cron makes them.
                _ = try await rotator.rotate(max: 0)
                #expect(rotator.consumersHoldingDeadTokens() == [], "after resuming a crash \(timing.rawValue) \(at)")
                _ = try await rotator.rotate()
                _ = try await rotator.rotate()
                #expect(
                    rotator.settledProblems() == [], "crash \(timing.rawValue) effect \(index) (\(at))")
            }
        }
    }
}

/// docs/operations.md: a crash between the `minted` commit and the first delivery, with only file sinks, leaves a
/// token no consumer ever had. The next run revokes it and rotates afresh; that recovery is not a failure of the run.
@Suite("Rotation: a clean undo on resume is not a failure")
struct CleanUndoOnResumeTests {
    @Test("a minted token that reached no file sink is revoked on resume and the run exits as if nothing happened")
    func mintedButUndelivered() async throws {
        let clean = try FakeRotator(mode: .admin, sinks: [.file])
        _ = try await clean.rotate()
        let delivery = try #require(
            clean.world.effectLog.firstIndex { $0.hasPrefix("deliver") }, "\(clean.world.effectLog)")

        let rotator = try FakeRotator(mode: .admin, sinks: [.file])
        rotator.world.crash(at: delivery + 1, .before)
        _ = try? await rotator.rotate()
        #expect(rotator.world.inventory.rotations.map(\.step) == [.minted])
        rotator.world.restart()
        let next = try await rotator.rotate()
        #expect(next.counts.rotated == 1, "\(next.results)")
        #expect(!next.hasFailures, "\(next.results)")
        #expect(next.results.allSatisfy { $0.outcome == .rotated }, "\(next.results)")
        #expect(rotator.world.inventory.rotations.first?.step == .rolledBack)
        #expect(rotator.settledProblems() == [])
    }
}
