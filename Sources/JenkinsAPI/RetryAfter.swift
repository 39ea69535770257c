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
        guard let date = httpDateFormatter().date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, min(date.timeIntervalSince(now), 86_400)) * 1000))
    }

    /// IMF-fixdate, the only form a sender may generate: `Sun, 06 Nov 1994 08:49:37 GMT`. A fresh formatter
    /// each time: this runs only on a 429 or 503, and a shared one would need a lock.
    private static func httpDateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }
}
