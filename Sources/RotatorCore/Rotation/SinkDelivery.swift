import Foundation

/// Hands one new value to every sink of a rule, in the order of SPEC §8.6, and undoes it when a later step fails.
///
/// Sinks that can be undone go first: a file (its previous content is put back) and a sink that takes the old value
/// again when that value is at hand (a Jenkins credential). Sinks that cannot be undone (commands, credentials
/// without the old value) go last, so that a failure among the first ones never reaches them. When one of them
/// has taken the new value and a later step fails, it is given the old value again if that value is at hand;
/// otherwise it is named in the rotation's error as holding a revoked token.
struct SinkDelivery {
    /// How one sink's delivery is undone, decided before anything is delivered.
    enum Undo {
        /// Put back this snapshot (a file; a snapshot without content removes the file).
        case restore(SinkSnapshot)
        /// Deliver the old token's value again.
        case redeliverOld
        /// Nothing can take the value back.
        case impossible
        /// The sink holds the new value already (a resumed rotation) and what it held before is gone: it keeps the
        /// new value, as removing it would leave its consumer with nothing.
        case keepsNew
    }

    struct Target {
        var sink: any SecretSink
        var undo: Undo
    }

    /// The sinks in delivery order.
    let targets: [Target]
    /// The old token's delivery, when its value is at hand.
    let old: TokenDelivery?
    /// How many targets were handed the new value (the one that failed included: it may have kept it).
    private(set) var reached = 0

    /// Orders the sinks and records how to undo each. `newFingerprint` is the value about to be delivered: a file
    /// that holds it already (a resumed rotation) must not be "restored" to it, so it takes the old value instead,
    /// or, without one, keeps the new value (``canUndo`` is then false). A file sink never ends empty or holding a
    /// revoked token.
    ///
    /// `snapshots`, when given, are the sinks' snapshots taken just before (one per sink, in order), so that each file
    /// is read once per rotation.
    init(
        sinks: [any SecretSink], snapshots: [SinkSnapshot?]? = nil, newFingerprint: String, old: TokenDelivery?
    ) async throws {
        self.old = old
        var first: [Target] = []
        var last: [Target] = []
        for (index, sink) in sinks.enumerated() {
            switch sink.rollback {
            case .restoresSnapshot:
                let undo: Undo
                let snapshot: SinkSnapshot?
                if let snapshots { snapshot = snapshots[index] } else { snapshot = try await sink.snapshot() }
                if snapshot?.heldValue?.fingerprint == newFingerprint {
                    undo = old == nil ? .keepsNew : .redeliverOld
                } else if let snapshot {
                    undo = .restore(snapshot)
                } else {
                    undo = old == nil ? .impossible : .redeliverOld
                }
                first.append(Target(sink: sink, undo: undo))
            case .redeliversOldValue where old != nil:
                first.append(Target(sink: sink, undo: .redeliverOld))
            case .redeliversOldValue, .none:
                last.append(Target(sink: sink, undo: old == nil ? .impossible : .redeliverOld))
            }
        }
        targets = first + last
    }

    /// Every sink, each marked as possibly holding the new value: a rollback that an earlier run began and did not
    /// finish does not know which sinks it reached.
    static func allReached(
        sinks: [any SecretSink], snapshots: [SinkSnapshot?], newFingerprint: String, old: TokenDelivery?
    ) async throws -> SinkDelivery {
        var delivery = try await SinkDelivery(
            sinks: sinks, snapshots: snapshots, newFingerprint: newFingerprint, old: old)
        delivery.reached = delivery.targets.count
        return delivery
    }

    /// Whether every sink can be put back as it was: false when one holds the new value with nothing to go back to,
    /// and a failure must then leave the rotation unfinished rather than revoke the new token.
    var canUndo: Bool {
        !targets.contains { if case .keepsNew = $0.undo { true } else { false } }
    }

    /// Delivers to every sink in order; stops at the first failure and returns it.
    mutating func deliver(_ delivery: TokenDelivery) async -> (sink: any SecretSink, error: any Error)? {
        for target in targets {
            reached += 1
            do {
                try await target.sink.deliver(delivery)
            } catch {
                return (target.sink, error)
            }
        }
        return nil
    }

    /// Undoes every sink that was handed the new value, last first. Returns what could not be undone: the sinks
    /// that may still hold the new value, each with why.
    func undo() async -> [String] {
        var leftHolding: [String] = []
        for target in targets.prefix(reached).reversed() {
            do {
                switch target.undo {
                case .restore(let snapshot):
                    try await target.sink.restore(snapshot)
                case .redeliverOld:
                    guard let old else { continue }
                    try await target.sink.deliver(old)
                case .impossible:
                    leftHolding.append("\(target.sink) may hold the revoked new token (it cannot be given the old one)")
                case .keepsNew:
                    leftHolding.append("\(target.sink) keeps the new token (what it held before is gone)")
                }
            } catch {
                leftHolding.append(
                    "\(target.sink) may hold the revoked new token (putting back the old one failed: \(error))")
            }
        }
        return leftHolding
    }
}
