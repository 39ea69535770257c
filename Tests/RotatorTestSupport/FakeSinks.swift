import Foundation
import Locking
import RotatorCore

/// What each consumer holds, by sink: a file's value (readable by the tool), a command's last received value (its
/// consumer's, never readable by the tool), a credential's value. Sinks made for different runs share it, as files
/// and consumers outlive a process.
public final class FakeSinkStore: SinkProvider, @unchecked Sendable {
    weak var world: FakeWorld?
    private let held = LockedValue<[String: Secret]>([:])
    private let failing = LockedValue<@Sendable (String) -> Bool>({ _ in false })
    private let unreadable = LockedValue<Set<String>>([])

    init() {}

    /// Deliveries to sinks whose key (a file path or argv[0]) matches fail from now on.
    public func failingDeliveries(_ rule: @escaping @Sendable (String) -> Bool) {
        failing.withLock { $0 = rule }
    }

    /// Reads of the file sinks named here fail from now on (permissions, I/O), as if the file were unreadable.
    public func unreadableFiles(_ keys: Set<String>) {
        unreadable.withLock { $0 = keys }
    }

    func isUnreadable(_ key: String) -> Bool { unreadable.withLock { $0.contains(key) } }

    /// What the consumer of `key` holds now.
    public func value(_ key: String) -> Secret? { held.withLock { $0[key] } }
    public func set(_ key: String, _ value: Secret?) { held.withLock { $0[key] = value } }
    public var keys: [String] { held.withLock { Array($0.keys) } }

    public func makeSinks(_ configs: [SinkConfig], values: PlaceholderValues) throws -> [any SecretSink] {
        try configs.map { config in
            switch config {
            case .file(let path, _):
                FakeSink(store: self, key: try TokenNameTemplate.render(path, values: values), kind: .file)
            case .command(let argv, _):
                // `jenkins-credential:<id>` stands for a sink that takes the old value back (a credential).
                FakeSink(
                    store: self, key: try TokenNameTemplate.render(argv[0], values: values),
                    kind: argv[0].hasPrefix("jenkins-credential:") ? .credential : .command)
            case .jenkinsCredential(let credential):
                FakeSink(
                    store: self,
                    key: "jenkins-credential:" + (try TokenNameTemplate.render(credential.id, values: values)),
                    kind: .credential)
            }
        }
    }

    func deliver(_ key: String, _ value: Secret) throws {
        try world!.effect("deliver \(key)") {
            if failing.withLock({ $0 })(key) { throw FakeDeliveryFailure(key: key) }
            set(key, value)
        }
    }
}

public struct FakeReadFailure: Error, CustomStringConvertible {
    public var key: String
    public var description: String { "\(key) cannot be read (fake)" }
}

public struct FakeDeliveryFailure: Error, CustomStringConvertible {
    public var key: String
    public var description: String { "delivery to \(key) failed (fake)" }
}

/// One fake sink: a file (read back, snapshot and restore), a command (write-only) or a credential (write-only,
/// rolled back with the old value).
struct FakeSink: SecretSink {
    enum Kind { case file, command, credential }
    let store: FakeSinkStore
    let key: String
    let kind: Kind

    var description: String {
        switch kind {
        case .file: "file \(key)"
        case .command: "command \(key)"
        case .credential: "credential \(key)"
        }
    }

    func deliver(_ delivery: TokenDelivery) async throws {
        try store.deliver(key, delivery.value)
    }

    var holdsValues: Bool { kind == .file }

    var rollback: SinkRollback {
        switch kind {
        case .file: .restoresSnapshot
        case .command: .none
        case .credential: .redeliversOldValue
        }
    }

    func heldValue() async throws -> Secret? {
        guard kind == .file else { return nil }
        if store.isUnreadable(key) { throw FakeReadFailure(key: key) }
        return try store.world!.read { store.value(key) }
    }

    func snapshot() async throws -> SinkSnapshot? {
        guard kind == .file else { return nil }
        let held = try await heldValue()
        return SinkSnapshot(content: held, heldValue: held)
    }

    func restore(_ snapshot: SinkSnapshot) async throws {
        try store.world!.effect("restore \(key)") { store.set(key, snapshot.content) }
    }
}
