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
