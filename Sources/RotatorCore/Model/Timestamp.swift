import Foundation

/// ISO 8601 instants in UTC, as every output and the inventory write them (`2026-01-05T00:00:00Z`).
/// Hand-rolled because reports format one per row and `ISO8601DateFormatter` dominates their cost.
public enum Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ`, whole seconds, UTC.
    public static func format(_ date: Date) -> String {
        String(unsafeUninitializedCapacity: length) { text in
            write(date, into: text)
            return length
        }
    }

    /// Appends ``format(_:)``'s text as UTF-8 to `bytes`, without building a `String` (report rows).
    public static func append(_ date: Date, to bytes: inout [UInt8]) {
        // On the stack, appended at once: one capacity check instead of one per digit.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { text in
            write(date, into: text)
            bytes.append(contentsOf: text)
        }
    }

    /// The length of ``format(_:)``'s text.
    private static let length = 20

    /// Writes ``format(_:)``'s text into the first ``length`` bytes of `text`.
    private static func write(_ date: Date, into text: UnsafeMutableBufferPointer<UInt8>) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (year, month, day) = civilDate(fromDays: days)
        var end = 0
        // The last `width` decimal digits of `value`, then `separator`.
        func put(_ value: Int64, _ width: Int, then separator: Unicode.Scalar) {
            var value = max(value, 0)
            for index in stride(from: end + width - 1, through: end, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            text[end + width] = UInt8(ascii: separator)
            end += width + 1
        }
        put(year, 4, then: "-")
        put(month, 2, then: "-")
        put(day, 2, then: "T")
        put(rest / 3_600, 2, then: ":")
        put(rest % 3_600 / 60, 2, then: ":")
        put(rest % 60, 2, then: "Z")
    }

    /// `YYYY-MM-DD` of the instant in UTC.
    public static func day(_ date: Date) -> String {
        String(format(date).prefix(10))
    }

    /// Parses ISO 8601 instants as operators write them: `2026-01-05T09:30:00Z`, with optional fractional
    /// seconds, `Z` or an offset (`+02:00`, `+0200`), `T` or a space between date and time; or a plain
    /// `2026-01-05` (midnight UTC). A time without a zone is ambiguous and refused. Returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var scanner = ByteScanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take("-"), let month = scanner.digits(2), scanner.take("-"),
            let day = scanner.digits(2), (1...12).contains(month), day >= 1,
            day <= daysInMonth(year: Int64(year), month: Int64(month))
        else { return nil }
        let midnight = Double(daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))) * 86_400
        if scanner.atEnd { return Date(timeIntervalSince1970: midnight) }
        guard scanner.take("T") || scanner.take("t") || scanner.take(" "),
            let hour = scanner.digits(2), scanner.take(":"), let minute = scanner.digits(2), scanner.take(":"),
            let second = scanner.digits(2), hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if scanner.take(".") || scanner.take(",") {
            var scale = 0.1
            var count = 0
            while let digit = scanner.digits(1) {
                fraction += Double(digit) * scale
                scale /= 10
                count += 1
            }
            guard count > 0 else { return nil }
        }
        var offset = 0
        if scanner.take("Z") || scanner.take("z") {
            offset = 0
        } else if let sign = scanner.take("+") ? 1 : (scanner.take("-") ? -1 : nil) {
            guard let offsetHours = scanner.digits(2) else { return nil }
            _ = scanner.take(":")
            guard let offsetMinutes = scanner.digits(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            offset = sign * (offsetHours * 3_600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        return Date(timeIntervalSince1970: midnight + Double(hour * 3_600 + minute * 60 + second - offset) + fraction)
    }

    private struct ByteScanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
    }

    // MARK: - Proleptic Gregorian calendar arithmetic (shared with the inventory's stored timestamps)

    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The calendar date of a day number (Howard Hinnant's civil_from_days).
    public static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }
}
