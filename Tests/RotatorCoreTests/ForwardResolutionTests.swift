import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

/// SPEC §4: recovery never empties a consumer and never leaves one holding a revoked token. When the old value is
/// no longer at hand and a readable sink holds the new one, the rotation resolves forward: the new token stays in
/// service, the row stays unfinished, and later runs keep delivering until every sink holds it. A sink that cannot
/// be read is "unknown": nothing is revoked on its account.
@Suite("Rotation: resume resolves forward, never into an empty consumer")
struct ForwardResolutionTests {
    static let file = FakeRotator.SinkKind.file.key
    static let command = FakeRotator.SinkKind.command.key

    /// Index (from the start of a run) of the first side effect whose description starts with `prefix`.
    static func effectIndex(_ prefix: String, mode: RotationMode, sinks: [FakeRotator.SinkKind]) async throws -> Int {
        let clean = try FakeRotator(mode: mode, sinks: sinks)
        _ = try await clean.rotate()
        let index = try #require(clean.world.effectLog.firstIndex { $0.hasPrefix(prefix) }, "\(clean.world.effectLog)")
        return index + 1
    }

    /// The file holds a working token and the command's consumer a working one; nothing is empty.
    static func expectNoConsumerBroken(_ rotator: FakeRotator, _ label: String) {
        #expect(rotator.world.sinks.value(file) != nil, "\(label): the file sink was emptied")
        #expect(rotator.consumersHoldingDeadTokens() == [], "\(label)")
    }

    @Test(
        "a crash while a command takes the value, then a command that keeps failing: the file keeps the new token",
        arguments: [RotationMode.admin, .self])
    func commandFailsAfterCrash(mode: RotationMode) async throws {
        let sinks: [FakeRotator.SinkKind] = [.file, .command]
        let index = try await Self.effectIndex("deliver \(Self.command)", mode: mode, sinks: sinks)
        let rotator = try FakeRotator(mode: mode, sinks: sinks)
        rotator.world.crash(at: index, .before)
        _ = try? await rotator.rotate()
        #expect(rotator.world.hasCrashed)
        rotator.world.restart()
        rotator.world.sinks.failingDeliveries { $0 == Self.command }

        for run in 1...3 {
            let summary = try await rotator.rotate(max: 0)
            Self.expectNoConsumerBroken(rotator, "run \(run)")
            #expect(summary.hasFailures, "run \(run): a failing sink must fail the run: \(summary.results)")
            let open = rotator.world.inventory.rotations.filter { !$0.step.isFinal }
            #expect(open.count == 1, "run \(run): \(rotator.world.inventory.rotations.map(\.step))")
            #expect(open.first?.error?.contains(Self.command) == true, "run \(run): \(open.first?.error ?? "")")
            // Both tokens stay valid: the file's consumer has the new one, the command's the old one.
            #expect(rotator.world.jenkins.tokens(of: "alice").count == 2, "run \(run)")
        }

        rotator.world.sinks.failingDeliveries { _ in false }
        _ = try await rotator.rotate()
        _ = try await rotator.rotate()
        #expect(rotator.settledProblems() == [])
    }

    @Test(
        "a rollback interrupted after the file took the new value goes forward when the old value is gone",
        arguments: [RotationMode.admin, .self])
    func interruptedRollbackWithoutOldValue(mode: RotationMode) async throws {
        let sinks: [FakeRotator.SinkKind] = [.file, .command]
        let rotator = try FakeRotator(mode: mode, sinks: sinks)
        rotator.world.sinks.failingDeliveries { $0 == Self.command }
        // The command fails, the rollback is recorded, and the process dies before it puts the file back.
        let clean = try FakeRotator(mode: mode, sinks: sinks)
        clean.world.sinks.failingDeliveries { $0 == Self.command }
        _ = try await clean.rotate()
        let restore = try #require(
            clean.world.effectLog.firstIndex { $0.hasPrefix("restore") }, "\(clean.world.effectLog)")
        rotator.world.crash(at: restore + 1, .before)
        _ = try? await rotator.rotate()
        #expect(rotator.world.hasCrashed)
        rotator.world.restart()

        _ = try await rotator.rotate(max: 0)
        Self.expectNoConsumerBroken(rotator, "after the resume")
        rotator.world.sinks.failingDeliveries { _ in false }
        _ = try await rotator.rotate()
        _ = try await rotator.rotate()
        #expect(rotator.settledProblems() == [])
    }

    @Test("a file that cannot be read is unknown: the new token it may hold is not revoked until it can be read")
    func unreadableFileIsUnknown() async throws {
        let sinks: [FakeRotator.SinkKind] = [.file]
        let index = try await Self.effectIndex("deliver \(Self.file)", mode: .admin, sinks: sinks)
        let rotator = try FakeRotator(mode: .admin, sinks: sinks)
        rotator.world.crash(at: index, .after)
        _ = try? await rotator.rotate()
        rotator.world.restart()
        rotator.world.sinks.unreadableFiles([Self.file])

        let summary = try await rotator.rotate(max: 0)
        #expect(summary.hasFailures, "\(summary.results)")
        let held = try #require(rotator.world.sinks.value(Self.file))
        #expect(rotator.world.jenkins.authenticates(held) != nil, "the new token the file holds was revoked")
        let open = rotator.world.inventory.rotations.filter { !$0.step.isFinal }
        #expect(open.count == 1)
        #expect(open.first?.error?.contains("cannot be read") == true, "\(open.first?.error ?? "")")

        rotator.world.sinks.unreadableFiles([])
        _ = try await rotator.rotate()
        _ = try await rotator.rotate()
        #expect(rotator.settledProblems() == [])
    }

    @Test("a file that cannot be read and never got the new value is not taken for one that does not hold it")
    func unreadableFileBeforeDelivery() async throws {
        let sinks: [FakeRotator.SinkKind] = [.file]
        let index = try await Self.effectIndex("deliver \(Self.file)", mode: .admin, sinks: sinks)
        let rotator = try FakeRotator(mode: .admin, sinks: sinks)
        rotator.world.crash(at: index, .before)
        _ = try? await rotator.rotate()
        rotator.world.restart()
        rotator.world.sinks.unreadableFiles([Self.file])

        _ = try await rotator.rotate(max: 0)
        // Nothing is revoked on an unknown: both tokens are still valid.
        #expect(rotator.world.jenkins.tokens(of: "alice").count == 2)
        #expect(rotator.world.inventory.rotations.filter { !$0.step.isFinal }.count == 1)

        rotator.world.sinks.unreadableFiles([])
        _ = try await rotator.rotate()
        _ = try await rotator.rotate()
        #expect(rotator.settledProblems() == [])
    }
}
