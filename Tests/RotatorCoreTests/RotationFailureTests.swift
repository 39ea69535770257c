import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

/// Every step × every failure, over port fakes (no HTTP, no SQLite): what the rotation records, what stays in
/// service, and what each consumer ends up holding.
@Suite("Rotation: each step's failures")
struct RotationFailureTests {
    private func oldValue(_ rotator: FakeRotator) -> Secret? {
        rotator.world.sinks.value(rotator.sinks[0].key)
    }

    @Test("a refused generate (5xx, 401) fails the rotation; nothing is minted and the old token stays")
    func generateRefused() async throws {
        for fault in [FakeJenkins.Fault.serverError, .unauthorized] {
            let rotator = try FakeRotator(sinks: [.file])
            rotator.world.jenkins.faults { if case .generate = $0 { fault } else { nil } }
            let summary = try await rotator.rotate()
            #expect(summary.results.map(\.outcome) == [.failed])
            #expect(rotator.world.jenkins.tokens(of: "alice").count == 1)
            #expect(rotator.world.inventory.rotations.map(\.step) == [.failed])
            #expect(rotator.consumersHoldingDeadTokens() == [])
        }
    }

    @Test("a lost generate is uncertain, never re-sent; the next run revokes the orphan it finds on the page")
    func generateLost() async throws {
        let rotator = try FakeRotator(sinks: [.file])
        rotator.world.jenkins.faults { if case .generate = $0 { .responseLost } else { nil } }
        let first = try await rotator.rotate()
        #expect(first.results.map(\.outcome) == [.uncertain])
        #expect(rotator.world.jenkins.tokens(of: "alice").count == 2)  // the orphan exists
        rotator.world.jenkins.faults { _ in nil }
        _ = try await rotator.rotate()
        #expect(rotator.world.inventory.rotations.first?.step == .rolledBack)
        #expect(rotator.settledProblems() == [])
    }

    @Test("a lost generate stays uncertain while the security page gives no evidence either way")
    func lostGenerateWithoutEvidence() async throws {
        let rotator = try FakeRotator(sinks: [.file])
        rotator.world.jenkins.faults { if case .generate = $0 { .responseLost } else { nil } }
        _ = try await rotator.rotate()
        rotator.world.jenkins.faults { if case .list = $0 { .pageWithoutTokenSection } else { nil } }
        let second = try await rotator.rotate()
        #expect(second.results.first?.outcome == .uncertain)
        #expect(rotator.world.inventory.rotations.first?.step == .uncertain)
        #expect(second.results.first?.error?.contains("revoke any token named ci of user alice") == true)
    }

    @Test("a failing command after a file: the file gets its old content back, the new token is revoked")
    func commandFailsAfterFile() async throws {
        let rotator = try FakeRotator(sinks: [.command, .file])
        let old = oldValue(rotator)
        rotator.world.sinks.failingDeliveries { $0.contains("push") }
        let summary = try await rotator.rotate()
        #expect(summary.results.map(\.outcome) == [.failed])
        #expect(rotator.world.sinks.value(FakeRotator.SinkKind.file.key) == old)
        #expect(rotator.world.jenkins.tokens(of: "alice").map(\.fingerprint) == [old?.fingerprint])
        #expect(rotator.world.inventory.rotations.map(\.step) == [.rolledBack])
        // SPEC §8.6: the file (can be undone) went first, the command last.
        #expect(
            rotator.world.effectLog.firstIndex { $0.contains("deliver /sinks") }! < rotator.world.effectLog
                .firstIndex { $0.contains("deliver /usr") }!)
    }

    @Test("a failing file sink is delivered before any command, so no command ever takes the doomed value")
    func fileFailsBeforeCommand() async throws {
        let rotator = try FakeRotator(sinks: [.command, .file])
        let old = oldValue(rotator)
        rotator.world.sinks.failingDeliveries { $0.hasPrefix("/sinks") }
        _ = try await rotator.rotate()
        #expect(rotator.world.sinks.value(FakeRotator.SinkKind.command.key) == old)
        #expect(!rotator.world.effectLog.contains { $0.contains("deliver /usr") })
    }

    @Test("an earlier command that took the new value gets the old one back when a file holds it")
    func earlierCommandGetsOldValueBack() async throws {
        let rotator = try FakeRotator(sinks: [.file, .command, .credential])
        rotator.world.sinks.failingDeliveries { $0.hasPrefix("jenkins-credential") }
        let summary = try await rotator.rotate()
        #expect(summary.results.map(\.outcome) == [.failed])
        #expect(rotator.consumersHoldingDeadTokens() == [])
        #expect(rotator.settledProblems() == [])
    }

    @Test("without the old value, a command left holding the revoked token is named in the error")
    func commandLeftHoldingIsNamed() async throws {
        let rotator = try FakeRotator(sinks: [.command, .credential])
        rotator.world.sinks.failingDeliveries { $0.hasPrefix("jenkins-credential") }
        let summary = try await rotator.rotate()
        let result = try #require(summary.results.first)
        #expect(result.outcome == .failed)
        // Neither can be undone without the old value: they go in the order written, and the command is named.
        #expect(result.error?.contains("command /usr/local/bin/push-alice may hold the revoked new token") == true)
        #expect(rotator.world.jenkins.tokens(of: "alice").count == 1)
    }

    @Test("a new token that does not authenticate (401) is rolled back; the old one stays")
    func verifyUnauthorized() async throws {
        let rotator = try FakeRotator(sinks: [.file])
        let old = try #require(oldValue(rotator))
        rotator.world.jenkins.faults {
            if case .whoAmI(let fp) = $0, fp != old.fingerprint { .unauthorized } else { nil }
        }
        let summary = try await rotator.rotate()
        #expect(summary.results.map(\.outcome) == [.failed])
        #expect(rotator.world.sinks.value(FakeRotator.SinkKind.file.key) == old)
        #expect(rotator.world.jenkins.tokens(of: "alice").map(\.fingerprint) == [old.fingerprint])
    }

    @Test("a verify that cannot be answered (5xx) parks the rotation in progress; the next run finishes it")
    func verifyUnavailable() async throws {
        let rotator = try FakeRotator(sinks: [.file])
        rotator.world.jenkins.faults { if case .whoAmI = $0 { .serverError } else { nil } }
        let first = try await rotator.rotate()
        #expect(first.results.map(\.outcome) == [.inProgress])
        #expect(rotator.world.jenkins.tokens(of: "alice").count == 2)
        #expect(rotator.consumersHoldingDeadTokens() == [])
        rotator.world.jenkins.faults { _ in nil }
        let second = try await rotator.rotate(max: 0)
        #expect(second.results.map(\.outcome) == [.rotated])
        #expect(rotator.settledProblems() == [])
    }

    @Test("a failed revoke of the old token leaves it retiring; the next run revokes it")
    func revokeFails() async throws {
        let rotator = try FakeRotator(sinks: [.file])
        rotator.world.jenkins.faults { if case .revoke = $0 { .serverError } else { nil } }
        let first = try await rotator.rotate()
        #expect(first.results.first?.outcome == .rotated)
        #expect(first.results.first?.error?.contains("stays retiring") == true)
        #expect(first.hasFailures)
        rotator.world.jenkins.faults { _ in nil }
        _ = try await rotator.rotate()
        #expect(rotator.settledProblems() == [])
    }

    @Test(
        "only a 401 proves a token dead: a revoke that did nothing, or a check that failed, keeps it retiring",
        arguments: [FakeJenkins.Fault.noOp, .serverError])
    func onlyUnauthorizedConfirms(fault: FakeJenkins.Fault) async throws {
        let rotator = try FakeRotator(mode: .self, sinks: [.file])
        let old = try #require(oldValue(rotator))
        rotator.world.jenkins.faults { operation in
            switch (operation, fault) {
            case (.revoke, .noOp): .noOp
            case (.whoAmI(let fp), .serverError) where fp == old.fingerprint: .serverError
            default: nil
            }
        }
        let first = try await rotator.rotate()
        #expect(first.results.first?.outcome == .rotated)
        #expect(first.results.first?.error?.contains("stays retiring") == true)
        let oldToken = rotator.world.inventory.tokens.first { $0.fingerprint == old.fingerprint }
        #expect(oldToken?.state == .retiring)
    }

    @Test("resumed at minted, a file holding a new value that no longer authenticates gets a fresh successor")
    func resumedFileNeverHoldsRevokedToken() async throws {
        let rotator = try FakeRotator(sinks: [.command, .file])
        // Crash just before the command's delivery: the file holds the new value, the journal says minted.
        rotator.world.crash(at: 6, .before)
        _ = try? await rotator.rotate()
        #expect(rotator.world.effectLog.last?.contains("deliver /usr") == true)
        let newValue = try #require(rotator.world.sinks.value(FakeRotator.SinkKind.file.key))
        rotator.world.restart()
        rotator.world.jenkins.faults {
            if case .whoAmI(let fp) = $0, fp == newValue.fingerprint { .unauthorized } else { nil }
        }
        // The old value is in no readable sink, so undoing would empty the file: a fresh successor replaces both.
        let summary = try await rotator.rotate(max: 0)
        #expect(summary.results.first?.outcome == .rotated, "\(summary.results)")
        let file = try #require(rotator.world.sinks.value(FakeRotator.SinkKind.file.key))
        #expect(file.fingerprint != newValue.fingerprint)
        #expect(rotator.world.jenkins.authenticates(file) != nil)
        #expect(rotator.settledProblems() == [])
    }

    @Test("an inventory write that fails stops that token only; the next run resolves what it left")
    func inventoryFailureIsPerToken() async throws {
        let rotator = try FakeRotator(sinks: [.file])
        rotator.world.inventory.failingWrites { $0 == "save minted" }
        let summary = try await rotator.rotate()
        #expect(summary.results.map(\.outcome) == [.failed])
        #expect(summary.results.first?.error?.contains("the next run resumes it") == true)
        #expect(rotator.consumersHoldingDeadTokens() == [])
        rotator.world.inventory.failingWrites { _ in false }
        _ = try await rotator.rotate()
        _ = try await rotator.rotate()
        #expect(rotator.settledProblems() == [])
    }

    @Test("the state machine refuses illegal moves")
    func illegalMoves() throws {
        var entry = JournalEntry(
            runID: 1, controller: "ci", user: "alice", name: "ci", oldUUID: "u", started: Date())
        #expect(throws: IllegalTransition.self) { try entry.minted(uuid: "n", fingerprint: "f") }
        try entry.beginGenerating(name: "ci")
        try entry.minted(uuid: "n", fingerprint: "f")
        #expect(throws: IllegalTransition.self) { try entry.done(at: Date()) }
        try entry.delivered()
        try entry.verified()
        #expect(throws: IllegalTransition.self) { try entry.beginRollback("late") }
        try entry.done(at: Date())
        #expect(entry.result.outcome == .rotated)
        #expect(throws: IllegalTransition.self) { try entry.fail("after done", at: Date()) }
    }
}

@Suite("Rotation: unused tokens (revoke_unused_after)")
struct UnusedTokenRotationTests {
    @Test("a due token unused for longer than the limit is revoked instead of rotated")
    func unusedIsRevoked() async throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let rotator = try FakeRotator(
            sinks: [.file], defaults: ["revoke_unused_after: 60d"], usage: (3, now - 70 * 86_400))
        let summary = try await rotator.rotate()
        #expect(summary.results.map(\.outcome) == [.retired])
        #expect(summary.results.first?.error == nil)
        #expect(!summary.hasFailures)
        #expect(rotator.world.jenkins.tokens(of: "alice").isEmpty)
        #expect(rotator.world.inventory.tokens.map(\.state) == [.revoked])
        #expect(rotator.world.inventory.events.contains { $0.message.contains("unused") })
        #expect(!rotator.world.effectLog.contains { $0.hasPrefix("generate") })
    }

    @Test("without recorded usage, or used recently, the token is rotated as usual", arguments: [false, true])
    func usedOrUnknownIsRotated(recent: Bool) async throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let rotator = try FakeRotator(
            sinks: [.file], defaults: ["revoke_unused_after: 60d"], usage: recent ? (5, now - 3 * 86_400) : nil)
        let summary = try await rotator.rotate()
        #expect(summary.results.map(\.outcome) == [.rotated])
        #expect(rotator.settledProblems() == [])
    }
}
