import Foundation
import RotatorCore

/// The one text form the inventory stores instants in: `YYYY-MM-DDTHH:MM:SS.SSSZ`, UTC, millisecond precision.
///
/// Fixed width, so SQLite compares and sorts it in time order. Formatting and parsing are hand-written over bytes
/// because `report` and `audit` decode several of these per row on 100k-row inventories.
enum UTCTimestamp {
    /// The stored width in bytes.
    static let width = 24

    private static let millisecondsPerDay: Int64 = 86_400_000
    /// Years outside 0000…9999 cannot be written in four digits; instants beyond are clamped to these bounds.
    private static let minimumMilliseconds: Int64 = -62_167_219_200_000  // 0000-01-01T00:00:00.000Z
    private static let maximumMilliseconds: Int64 = 253_402_300_799_999  // 9999-12-31T23:59:59.999Z

    /// Formats `date`, rounded to the nearest millisecond (stored instants round-trip exactly).
    static func string(from date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var milliseconds: Int64
        if seconds.isNaN {
            milliseconds = 0
        } else {
            let scaled = (seconds * 1000).rounded()
            if scaled <= Double(minimumMilliseconds) {
                milliseconds = minimumMilliseconds
            } else if scaled >= Double(maximumMilliseconds) {
                milliseconds = maximumMilliseconds
            } else {
                milliseconds = Int64(scaled)
            }
        }
        let dayNumber = Timestamp.floorDivide(milliseconds, millisecondsPerDay)
        var rest = milliseconds - dayNumber * millisecondsPerDay
        let (year, month, day) = Timestamp.civilDate(fromDays: dayNumber)
        let millisecond = rest % 1000
        rest /= 1000
        let second = rest % 60
        rest /= 60
        let minute = rest % 60
        let hour = rest / 60

        return String(unsafeUninitializedCapacity: width) { buffer in
            func put(_ value: Int64, digits: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
            }
            put(year, digits: 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(hour, digits: 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(minute, digits: 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(second, digits: 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            put(millisecond, digits: 3, at: 20)
            buffer[23] = UInt8(ascii: "Z")
            return width
        }
    }

    /// Parses exactly the stored form; nil for anything else.
    static func date(from bytes: UnsafeRawBufferPointer) -> Date? {
        guard bytes.count == width,
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."),
            bytes[23] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ offset: Int, _ digits: Int) -> Int64? {
            var value: Int64 = 0
            for index in offset..<(offset + digits) {
                let digit = Int64(bytes[index]) - 48
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            let millisecond = number(20, 3),
            (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let milliseconds =
            days * millisecondsPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Parses the stored form from a `String` (tests, hand-written values).
    static func date(from text: String) -> Date? {
        var text = text
        return text.withUTF8 { date(from: UnsafeRawBufferPointer($0)) }
    }
}
