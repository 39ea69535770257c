/// What each sink of a rule holds when an unfinished rotation is resumed: the inputs of ``RecoveryDecision`` with the
/// values and snapshots behind them, each sink read once.
struct SinkReadings {
    let sinks: [any SecretSink]
    /// One per sink, in order.
    let readings: [RecoveryDecision.Reading]
    /// One per sink: what a rollback puts back (sinks restored from a snapshot), nil otherwise or when unreadable.
    let snapshots: [SinkSnapshot?]
    /// The new token's value, when a sink holds it.
    let newValue: Secret?
    /// The old token's value, when a sink holds it.
    let oldValue: Secret?
    /// The first value any sink holds (for a token whose fingerprint the inventory does not know).
    let firstValue: Secret?
    /// The sinks that could not be read, each with why.
    let unreadable: [String]

    /// Reads every sink. `newFingerprint`/`oldFingerprint` tell the two tokens' values apart; without a fingerprint
    /// a value is never taken for that token's.
    static func read(_ sinks: [any SecretSink], newFingerprint: String?, oldFingerprint: String?) async -> SinkReadings
    {
        var readings: [RecoveryDecision.Reading] = []
        var snapshots: [SinkSnapshot?] = []
        var newValue: Secret?
        var oldValue: Secret?
        var unreadable: [String] = []
        var firstValue: Secret?
        for sink in sinks {
            guard sink.holdsValues else {
                readings.append(.writeOnly)
                snapshots.append(nil)
                continue
            }
            let held: Secret?
            do {
                if sink.rollback == .restoresSnapshot, let snapshot = try await sink.snapshot() {
                    held = snapshot.heldValue
                    snapshots.append(snapshot)
                } else {
                    held = try await sink.heldValue()
                    snapshots.append(nil)
                }
            } catch {
                readings.append(.unknown)
                snapshots.append(nil)
                unreadable.append("\(sink) cannot be read (\(error))")
                continue
            }
            firstValue = firstValue ?? held
            switch held?.fingerprint {
            case .some(let fingerprint) where fingerprint == newFingerprint:
                readings.append(.new)
                newValue = newValue ?? held
            case .some(let fingerprint) where fingerprint == oldFingerprint:
                readings.append(.old)
                oldValue = oldValue ?? held
            default:
                readings.append(.other)
            }
        }
        return SinkReadings(
            sinks: sinks, readings: readings, snapshots: snapshots, newValue: newValue, oldValue: oldValue,
            firstValue: firstValue, unreadable: unreadable)
    }

    /// The sinks that hold the new value, for messages.
    var holdingNew: [String] {
        zip(sinks, readings).filter { $0.1 == .new }.map { "\($0.0)" }
    }
}
