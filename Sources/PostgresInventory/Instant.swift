import Foundation
import NIOCore
import PostgresNIO

/// An instant as the inventory keeps it: a `timestamptz` at millisecond precision, the precision of the SQLite
/// inventory, so that every instant written reads back equal (postgres-nio's own `Date` coding truncates to the
/// microsecond and can come back one microsecond off).
struct Instant: PostgresNonThrowingEncodable, PostgresDecodable, Sendable {
    var date: Date

    init(_ date: Date) {
        self.date = date
    }

    /// 2000-01-01T00:00:00Z, PostgreSQL's epoch, in milliseconds since 1970.
    private static let postgresEpochMilliseconds: Int64 = 946_684_800_000
    /// Years 0000…9999, as in the SQLite inventory; instants beyond are clamped to these bounds.
    private static let minimumMilliseconds: Int64 = -62_167_219_200_000
    private static let maximumMilliseconds: Int64 = 253_402_300_799_999

    /// Milliseconds since 1970, rounded to the nearest and clamped.
    static func milliseconds(_ date: Date) -> Int64 {
        let scaled = (date.timeIntervalSince1970 * 1000).rounded()
        if scaled.isNaN { return 0 }
        if scaled <= Double(minimumMilliseconds) { return minimumMilliseconds }
        if scaled >= Double(maximumMilliseconds) { return maximumMilliseconds }
        return Int64(scaled)
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger((Self.milliseconds(date) - Self.postgresEpochMilliseconds) * 1000)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from byteBuffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, byteBuffer.readableBytes == 8,
            let microseconds = byteBuffer.readInteger(as: Int64.self)
        else { throw PostgresDecodingError.Code.typeMismatch }
        // A value written by hand (now(), 'infinity') may carry microseconds or lie outside the years 0000…9999.
        let (quotient, remainder) = microseconds.quotientAndRemainder(dividingBy: 1000)
        var milliseconds = quotient.addingReportingOverflow(Self.postgresEpochMilliseconds).partialValue
        if remainder >= 500 { milliseconds += 1 } else if remainder <= -500 { milliseconds -= 1 }
        milliseconds = min(max(milliseconds, Self.minimumMilliseconds), Self.maximumMilliseconds)
        date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Optional where Wrapped == Date {
    /// The instant to bind, or NULL.
    var instant: Instant? { map(Instant.init) }
}
