import Foundation
import PostgresNIO
import RotatorCore

/// Reads a row's columns in order, as GRDB's `decode(atIndex:)` does for the SQLite inventory.
struct ColumnReader {
    private var cells: PostgresRow.Iterator
    private let location: String

    init(_ row: PostgresRow, location: String) {
        cells = row.makeIterator()
        self.location = location
    }

    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        guard let cell = cells.next() else {
            throw PostgresInventoryError.database(
                location: location, operation: "reading a row", message: "fewer columns than expected")
        }
        return try cell.decode(T.self)
    }

    mutating func instant() throws -> Date { try next(Instant.self).date }
    mutating func optionalInstant() throws -> Date? { try next(Instant?.self)?.date }

    mutating func enumValue<Value: RawRepresentable<String>>(table: String, column: String) throws -> Value {
        let text = try next(String.self)
        guard let value = Value(rawValue: text) else {
            throw PostgresInventoryError.database(
                location: location, operation: "reading \(table)",
                message: "\(table).\(column) holds \"\(text)\", which this token-rotator does not know")
        }
        return value
    }
}

extension InventoryToken {
    static let postgresColumns = """
        SELECT controller, "user", name, uuid, created, state, fingerprint, replaced_by, revoke_after, revoked_at, \
        last_rotated, use_count, last_used FROM tokens
        """

    init(postgresRow row: PostgresRow, location: String) throws {
        var columns = ColumnReader(row, location: location)
        self.init(
            controller: try columns.next(), user: try columns.next(), name: try columns.next(),
            uuid: try columns.next(), created: try columns.instant(),
            state: try columns.enumValue(table: "tokens", column: "state"), fingerprint: try columns.next(),
            replacedBy: try columns.next(), revokeAfter: try columns.optionalInstant(),
            revokedAt: try columns.optionalInstant(), lastRotated: try columns.optionalInstant(),
            useCount: try columns.next(Int32?.self).map(Int.init), lastUsed: try columns.optionalInstant())
    }

    /// A short identity for messages: `controller/user/name`.
    var identity: String { "\(controller)/\(user)/\(name)" }
}

extension JournalEntry {
    static let postgresColumns = """
        SELECT id, run_id, controller, "user", name, old_uuid, new_name, new_uuid, new_fingerprint, step, outcome, \
        started, finished, error FROM rotations
        """

    init(postgresRow row: PostgresRow, location: String) throws {
        var columns = ColumnReader(row, location: location)
        let id: Int64 = try columns.next()
        let runID: Int64? = try columns.next()
        let controller: String = try columns.next()
        let user: String = try columns.next()
        let name: String = try columns.next()
        let oldUUID: String? = try columns.next()
        let newName: String? = try columns.next()
        let newUUID: String? = try columns.next()
        let newFingerprint: String? = try columns.next()
        let step: RotationStep = try columns.enumValue(table: "rotations", column: "step")
        let outcome: String? = try columns.next()
        self.init(
            id: id, runID: runID, controller: controller, user: user, name: name, oldUUID: oldUUID, newName: newName,
            newUUID: newUUID, newFingerprint: newFingerprint, step: step,
            outcome: try outcome.map { text in
                guard let value = RotationOutcome(rawValue: text) else {
                    throw PostgresInventoryError.database(
                        location: location, operation: "reading rotations",
                        message: "rotations.outcome holds \"\(text)\", which this token-rotator does not know")
                }
                return value
            },
            started: try columns.instant(), finished: try columns.optionalInstant(), error: try columns.next())
    }
}

extension RunEntry {
    static let postgresColumns = """
        SELECT id, started, finished, mode, rotated, failed, retired, skipped, uncertain, exit_code FROM runs
        """

    init(postgresRow row: PostgresRow, location: String) throws {
        var columns = ColumnReader(row, location: location)
        self.init(
            id: try columns.next(), started: try columns.instant(), finished: try columns.optionalInstant(),
            mode: try columns.next(), rotated: Int(try columns.next(Int32.self)),
            failed: Int(try columns.next(Int32.self)), retired: Int(try columns.next(Int32.self)),
            skipped: Int(try columns.next(Int32.self)), uncertain: Int(try columns.next(Int32.self)),
            exitCode: try columns.next(Int32?.self).map(Int.init))
    }
}

extension InventoryEvent {
    static let postgresColumns = """
        SELECT id, at, run_id, rotation_id, controller, "user", name, uuid, kind, message FROM events
        """

    init(postgresRow row: PostgresRow, location: String) throws {
        var columns = ColumnReader(row, location: location)
        self.init(
            id: try columns.next(), at: try columns.instant(), runID: try columns.next(),
            rotationID: try columns.next(), controller: try columns.next(), user: try columns.next(),
            name: try columns.next(), uuid: try columns.next(), kind: try columns.next(), message: try columns.next())
    }
}
