import RotatorCore
import Testing

/// The recovery decision over its whole input table: every phase × every sequence of up to three sink readings.
@Suite("Recovery decision table")
struct RecoveryDecisionTests {
    typealias Reading = RecoveryDecision.Reading
    typealias Phase = RecoveryDecision.Phase

    /// Every sequence of readings of length 0 to 3.
    static let sinkSets: [[Reading]] = (0...3).flatMap { length in
        (0..<length).reduce([[Reading]]([[]])) { partial, _ in
            partial.flatMap { prefix in Reading.allCases.map { prefix + [$0] } }
        }
    }

    static var table: [(Phase, [Reading], RecoveryDecision.Action)] {
        Phase.allCases.flatMap { phase in sinkSets.map { (phase, $0, RecoveryDecision.decide(phase, sinks: $0)) } }
    }

    @Test("the table has every input once: 6 phases x 156 sink sets")
    func size() {
        #expect(Self.sinkSets.count == 1 + 5 + 25 + 125)
        #expect(Self.table.count == 6 * 156)
    }

    @Test("a sink that cannot be read is never taken for one that does not hold the new token")
    func unknownNeverRevokes() {
        for (phase, sinks, action) in Self.table where sinks.contains(.unknown) {
            let revokesNew = action == .undo || action == .revokeUnreached || action == .supersede
            #expect(!revokesNew, "\(phase) \(sinks) -> \(action)")
            #expect(action != .goForward(canUndo: true), "\(phase) \(sinks) -> \(action)")
        }
    }

    @Test("a readable sink holding the new value with the old value nowhere: forward, never undone")
    func neverEmptiesAConsumer() {
        for (phase, sinks, action) in Self.table
        where (phase == .minted || phase == .rollingBack) && sinks.contains(.new) && !sinks.contains(.old)
            && !sinks.contains(.unknown)
        {
            #expect(action == .goForward(canUndo: false), "\(phase) \(sinks) -> \(action)")
        }
    }

    @Test("a new token is revoked as unreached only when every sink was read and none holds it")
    func revokeUnreachedNeedsEveryReading() {
        for (phase, sinks, action) in Self.table where action == .revokeUnreached {
            #expect(phase == .minted)
            #expect(!sinks.isEmpty && sinks.allSatisfy { $0 == .old || $0 == .other }, "\(sinks)")
        }
    }

    @Test("forward only with the new value in hand; undoable only with the old value in hand and nothing unknown")
    func forwardNeedsTheNewValue() {
        for (phase, sinks, action) in Self.table {
            guard case .goForward(let canUndo) = action else { continue }
            #expect(sinks.contains(.new), "\(phase) \(sinks)")
            #expect(!canUndo || (sinks.contains(.old) && !sinks.contains(.unknown)), "\(phase) \(sinks)")
        }
    }

    @Test("phases that need no sink decide alone")
    func phasesWithoutSinks() {
        let expected: [Phase: RecoveryDecision.Action] = [
            .planned: .close, .lostGenerate: .settleLostGenerate, .verified: .retireOld, .finished: .nothing,
        ]
        for (phase, sinks, action) in Self.table {
            guard let want = expected[phase] else { continue }
            #expect(action == want, "\(phase) \(sinks)")
        }
    }

    @Test(
        "named rows of the table",
        arguments: [
            (Phase.minted, [Reading.new, .writeOnly], RecoveryDecision.Action.goForward(canUndo: false)),
            (.minted, [.new, .old], .goForward(canUndo: true)),
            (.minted, [.new, .old, .unknown], .goForward(canUndo: false)),
            (.minted, [.old], .revokeUnreached),
            (.minted, [.other, .writeOnly], .supersede),
            (.minted, [], .supersede),
            (.minted, [.old, .unknown], .wait),
            (.rollingBack, [.new, .writeOnly], .goForward(canUndo: false)),
            (.rollingBack, [.new, .old], .undo),
            (.rollingBack, [.old, .writeOnly], .undo),
            (.rollingBack, [.other], .undo),
            (.rollingBack, [.new, .unknown], .wait),
        ])
    func namedRows(phase: Phase, sinks: [Reading], action: RecoveryDecision.Action) {
        #expect(RecoveryDecision.decide(phase, sinks: sinks) == action)
    }

    @Test("every action is reached by some input (no unreachable branch)")
    func everyActionReached() {
        let reached = Self.table.map { "\($0.2)" }
        let all: [RecoveryDecision.Action] = [
            .close, .settleLostGenerate, .goForward(canUndo: true), .goForward(canUndo: false), .undo,
            .revokeUnreached, .supersede, .wait, .retireOld, .nothing,
        ]
        for action in all { #expect(reached.contains("\(action)"), "\(action)") }
    }
}
