import Foundation

/// The `Retry-After` header of a `429` or `503` (RFC 9110 §10.2.3): a number of seconds or an HTTP date.
enum RetryAfter {
    /// The statuses whose `Retry-After` is honoured (SPEC §8.1).
    static func applies(to status: Int) -> Bool { status == 429 || status == 503 }

    /// How long the header asks to wait from `now`, nil when it is absent or unreadable (a date in the past
    /// is zero).
    static func delay(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Anything longer than a day is as good as "a day": the caller caps it by its timeout anyway.
            guard let seconds = Int64(value.prefix(9)) else { return nil }
            return .seconds(min(seconds, 86_400))
        }
        guard let date = imfFixdate(value) else { return nil }
        return .milliseconds(Int64(max(0, min(date.timeIntervalSince(now), 86_400)) * 1000))
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate, the only form a sender may generate: `Sun, 06 Nov 1994 08:49:37 GMT`. Parsed by hand:
    /// Foundation's `DateFormatter` on Linux leaks memory on some inputs (found by Fuzz/DurationFuzz).
    static func imfFixdate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[25...] == Array(" GMT".utf8)[...] else {
            return nil
        }
        func word(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(word(range))
        }
        guard weekdays.contains(word(0..<3)), bytes[4] == 32, bytes[7] == 32, bytes[11] == 32, bytes[16] == 32,
            bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"),
            let day = number(5..<7), let month = months.firstIndex(of: word(8..<11)).map({ $0 + 1 }),
            let year = number(12..<16), let hour = number(17..<19), let minute = number(20..<22),
            let second = number(23..<25), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }
}
