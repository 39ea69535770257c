import Foundation

/// One consumer of new token values: a file, a command, … (SPEC §3 "Sinks").
///
/// The rotation engine delivers each new value to every sink of the token's rule and touches the
/// old token only once all of them succeeded. `TokenSinks` implements the sinks of the policy;
/// tests may use fakes.
public protocol SecretSink: Sendable, CustomStringConvertible {
    /// What and where, for logs and errors, e.g. `file /var/lib/token-rotator/ci/alice/ci.token (raw)`.
    /// Never contains the value.
    var description: String { get }

    /// Hands the value over. Returns only once the consumer holds it durably; throws otherwise.
    func deliver(_ delivery: TokenDelivery) async throws

    /// Whether the sink keeps the value where token-rotator can read it back (a file does, a command does not).
    var holdsValues: Bool { get }

    /// How a delivery to this sink is undone when a later step fails (SPEC §8.6): sinks that can be undone
    /// are delivered first.
    var rollback: SinkRollback { get }

    /// The token value the sink holds now; nil when it holds none (nothing there, or a sink that cannot tell: see
    /// ``holdsValues``). Throws when the sink keeps values but cannot be read now: recovery treats that as
    /// "unknown", never as "does not hold".
    func heldValue() async throws -> Secret?

    /// What the sink holds before a delivery, so that a rollback can put it back; nil when it cannot.
    func snapshot() async throws -> SinkSnapshot?

    /// Puts back what ``snapshot()`` saw (atomically, like a delivery).
    func restore(_ snapshot: SinkSnapshot) async throws
}

extension SecretSink {
    public var holdsValues: Bool { false }
    public var rollback: SinkRollback { .none }
    public func heldValue() async throws -> Secret? { nil }
    public func snapshot() async throws -> SinkSnapshot? { nil }
    public func restore(_ snapshot: SinkSnapshot) async throws {}
}

/// How a sink's delivery is undone (SPEC §8.6).
public enum SinkRollback: Sendable, Equatable {
    /// ``SecretSink/snapshot()`` before the delivery, ``SecretSink/restore(_:)`` after (a file).
    case restoresSnapshot
    /// Delivering the old token's value again puts it back, when that value is at hand (a Jenkins credential).
    case redeliversOldValue
    /// Nothing the tool does can take the value back (a command: what it did with the value is its own).
    case none
}
