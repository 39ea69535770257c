import Foundation
import GRDB
import RotatorCore

/// Reading and writing the inventory's column types: instants as canonical UTC text, enums as their raw values.
extension Row {
    /// The instant in column `index`, or nil for NULL. Decoded from the row's bytes without copying them.
    func instant(atIndex index: Int, table: String, column: String, path: String) throws -> Date? {
        try withUnsafeData(atIndex: index) { data -> Date? in
            guard let data else { return nil }
            let date = data.withUnsafeBytes { UTCTimestamp.date(from: $0) }
            guard let date else {
                throw InventoryError.invalidStoredValue(
                    path: path, table: table, column: column, value: String(decoding: data, as: UTF8.self))
            }
            return date
        }
    }

    /// The instant in a NOT NULL column.
    func requiredInstant(atIndex index: Int, table: String, column: String, path: String) throws -> Date {
        guard let date = try instant(atIndex: index, table: table, column: column, path: path) else {
            throw InventoryError.invalidStoredValue(path: path, table: table, column: column, value: "NULL")
        }
        return date
    }

    /// The enum in column `index`, from its raw value.
    func enumValue<Value: RawRepresentable<String>>(
        atIndex index: Int, table: String, column: String, path: String
    ) throws -> Value {
        let text: String = try decode(atIndex: index)
        guard let value = Value(rawValue: text) else {
            throw InventoryError.invalidStoredValue(path: path, table: table, column: column, value: text)
        }
        return value
    }
}

/// The stored text of an instant (nil stays NULL).
func stored(_ date: Date?) -> String? {
    date.map(UTCTimestamp.string(from:))
}

/// A uuid as stored: `lowercased()`, as every lookup has it. Nearly every uuid is lowercase ASCII already, and
/// then no copy is made; any other byte (an ASCII capital or anything non-ASCII) takes `lowercased()`.
func lowercasedUUID(_ uuid: String) -> String {
    let isPlain = uuid.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
    return isPlain ? uuid : uuid.lowercased()
}

extension InventoryToken {
    static let selectColumns = """
        SELECT controller, user, name, uuid, created, state, fingerprint, replaced_by, revoke_after, revoked_at, \
        last_rotated, use_count, last_used FROM tokens
        """

    init(inventoryRow row: Row, path: String) throws {
        self.init(
            controller: try row.decode(atIndex: 0),
            user: try row.decode(atIndex: 1),
            name: try row.decode(atIndex: 2),
            uuid: try row.decode(atIndex: 3),
            created: try row.requiredInstant(atIndex: 4, table: "tokens", column: "created", path: path),
            state: try row.enumValue(atIndex: 5, table: "tokens", column: "state", path: path),
            fingerprint: try row.decode(atIndex: 6),
            replacedBy: try row.decode(atIndex: 7),
            revokeAfter: try row.instant(atIndex: 8, table: "tokens", column: "revoke_after", path: path),
            revokedAt: try row.instant(atIndex: 9, table: "tokens", column: "revoked_at", path: path),
            lastRotated: try row.instant(atIndex: 10, table: "tokens", column: "last_rotated", path: path),
            useCount: try row.decode(atIndex: 11),
            lastUsed: try row.instant(atIndex: 12, table: "tokens", column: "last_used", path: path)
        )
    }

    /// A short identity for messages: `controller/user/name`.
    var identity: String { "\(controller)/\(user)/\(name)" }
}

extension JournalEntry {
    static let selectColumns = """
        SELECT id, run_id, controller, user, name, old_uuid, new_name, new_uuid, new_fingerprint, step, outcome, \
        started, finished, error FROM rotations
        """

    init(inventoryRow row: Row, path: String) throws {
        let outcome: String? = try row.decode(atIndex: 10)
        self.init(
            id: try row.decode(atIndex: 0),
            runID: try row.decode(atIndex: 1),
            controller: try row.decode(atIndex: 2),
            user: try row.decode(atIndex: 3),
            name: try row.decode(atIndex: 4),
            oldUUID: try row.decode(atIndex: 5),
            newName: try row.decode(atIndex: 6),
            newUUID: try row.decode(atIndex: 7),
            newFingerprint: try row.decode(atIndex: 8),
            step: try row.enumValue(atIndex: 9, table: "rotations", column: "step", path: path),
            outcome: try outcome.map { text in
                guard let value = RotationOutcome(rawValue: text) else {
                    throw InventoryError.invalidStoredValue(
                        path: path, table: "rotations", column: "outcome", value: text)
                }
                return value
            },
            started: try row.requiredInstant(atIndex: 11, table: "rotations", column: "started", path: path),
            finished: try row.instant(atIndex: 12, table: "rotations", column: "finished", path: path),
            error: try row.decode(atIndex: 13)
        )
    }
}

extension RunEntry {
    static let selectColumns = """
        SELECT id, started, finished, mode, rotated, failed, retired, skipped, uncertain, exit_code FROM runs
        """

    init(inventoryRow row: Row, path: String) throws {
        self.init(
            id: try row.decode(atIndex: 0),
            started: try row.requiredInstant(atIndex: 1, table: "runs", column: "started", path: path),
            finished: try row.instant(atIndex: 2, table: "runs", column: "finished", path: path),
            mode: try row.decode(atIndex: 3),
            rotated: try row.decode(atIndex: 4),
            failed: try row.decode(atIndex: 5),
            retired: try row.decode(atIndex: 6),
            skipped: try row.decode(atIndex: 7),
            uncertain: try row.decode(atIndex: 8),
            exitCode: try row.decode(atIndex: 9)
        )
    }
}

extension InventoryEvent {
    static let selectColumns = """
        SELECT id, at, run_id, rotation_id, controller, user, name, uuid, kind, message FROM events
        """

    init(inventoryRow row: Row, path: String) throws {
        self.init(
            id: try row.decode(atIndex: 0),
            at: try row.requiredInstant(atIndex: 1, table: "events", column: "at", path: path),
            runID: try row.decode(atIndex: 2),
            rotationID: try row.decode(atIndex: 3),
            controller: try row.decode(atIndex: 4),
            user: try row.decode(atIndex: 5),
            name: try row.decode(atIndex: 6),
            uuid: try row.decode(atIndex: 7),
            kind: try row.decode(atIndex: 8),
            message: try row.decode(atIndex: 9)
        )
    }
}
