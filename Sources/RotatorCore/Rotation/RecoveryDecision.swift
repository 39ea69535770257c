/// How a run resolves a rotation an earlier run left unfinished (SPEC §4.2, §4.3, §7): a pure function from where
/// the row stopped and what each sink holds now to one action. ``RotationResume`` reads the inputs and carries the
/// action out; docs/operations.md argues each row of the table; `RecoveryDecisionTests` checks the whole table.
///
/// Two rules carry the safety argument:
/// - A consumer is never emptied and never left holding a revoked token: when a readable sink holds the new value
///   and the old value is in no readable sink, the rotation goes forward (an undo would have nothing to put back).
/// - "Unknown" is never "does not hold": while a sink that keeps values cannot be read, nothing is revoked.
public enum RecoveryDecision {
    /// Where the unfinished row stopped, as recovery sees it (from ``JournalEntry/recoveryPhase``).
    public enum Phase: String, Sendable, CaseIterable {
        /// Recorded before anything was sent to Jenkins.
        case planned
        /// The generate request was sent and its answer lost (`generating`, `uncertain`).
        case lostGenerate
        /// The new token exists (`minted`, or `delivered`, which is never committed on its own).
        case minted
        /// A rollback was recorded and not finished.
        case rollingBack
        /// Every sink held a working successor; only the old token is left to retire.
        case verified
        /// Nothing is left to do.
        case finished
    }

    /// What one sink holds now.
    public enum Reading: String, Sendable, CaseIterable {
        /// The new token's value.
        case new
        /// The old token's value.
        case old
        /// Something else, or nothing (a file that is not there).
        case other
        /// The sink keeps values but could not be read now (permissions, I/O, a server that does not answer).
        case unknown
        /// The sink cannot be read back at all (a command; a credential store the tool only writes).
        case writeOnly
    }

    public enum Action: Sendable, Equatable {
        /// Nothing was sent to Jenkins: close the row as failed.
        case close
        /// Read the user's security page and revoke a token under the recorded name the inventory does not know.
        case settleLostGenerate
        /// Deliver the new value to every sink, verify it, retire the old token. `canUndo`: whether a failure on
        /// the way may still be undone (the old value is at hand and every sink was read); otherwise the rotation
        /// stays unfinished with both tokens valid, as the sinks holding the new value have nothing to go back to.
        case goForward(canUndo: Bool)
        /// Put the old value back wherever the new one may be, then revoke the new token.
        case undo
        /// No consumer can hold the new token (every sink was read and none holds it): revoke it.
        case revokeUnreached
        /// A sink that cannot be read back may hold the new token, whose value is nowhere at hand: rotate a fresh
        /// successor into every sink first, and only then revoke the new token.
        case supersede
        /// A sink that keeps values cannot be read: change nothing until it can.
        case wait
        /// Revoke the old token or set it retiring.
        case retireOld
        /// Nothing to do.
        case nothing
    }

    /// The table. `sinks` holds one reading per sink of the rule.
    public static func decide(_ phase: Phase, sinks: [Reading]) -> Action {
        let holdsNew = sinks.contains(.new)
        let oldAtHand = sinks.contains(.old)
        let unknown = sinks.contains(.unknown)
        switch phase {
        case .planned: return .close
        case .lostGenerate: return .settleLostGenerate
        case .verified: return .retireOld
        case .finished: return .nothing
        case .minted:
            if holdsNew { return .goForward(canUndo: oldAtHand && !unknown) }
            if unknown { return .wait }
            if sinks.contains(.writeOnly) || sinks.isEmpty { return .supersede }
            return .revokeUnreached
        case .rollingBack:
            // A sink that may hold the new value and cannot be read could be left with a revoked token.
            if unknown { return .wait }
            // The new value is in a readable sink and the old one in none: an undo would empty that sink.
            if holdsNew && !oldAtHand { return .goForward(canUndo: false) }
            return .undo
        }
    }
}
