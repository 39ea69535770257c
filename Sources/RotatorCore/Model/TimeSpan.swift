import Foundation

/// A length of time as written in policies and flags: `30s`, `15m`, `12h`, `90d`, `2w`, or sums
/// such as `1d12h`. Stored as whole seconds.
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) {
        self.seconds = seconds
    }

    public static let zero = TimeSpan(seconds: 0)
    public static func days(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 86_400) }
    public static func hours(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 3_600) }

    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    private static let units: [(Character, Int64)] = [
        ("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
    ]

    /// Parses `1d12h`-style text. Returns nil for anything else (empty text, a bare number,
    /// an unknown unit, a negative or overflowing value).
    public init?(parsing text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        var total: Int64 = 0
        var digits = ""
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let multiplier = Self.units.first(where: { $0.0 == character })?.1,
                let amount = Int64(digits)
            else { return nil }
            let (product, overflow1) = amount.multipliedReportingOverflow(by: multiplier)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow1, !overflow2 else { return nil }
            total = sum
            digits = ""
        }
        guard digits.isEmpty else { return nil }
        self.seconds = total
    }

    /// The shortest `1d12h` form; `0s` for zero.
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = seconds < 0 ? "-" : ""
        rest = abs(rest)
        for (unit, size) in Self.units where unit != "w" && rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }
    public static func + (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(seconds: lhs.seconds + rhs.seconds) }
    public static func - (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(seconds: lhs.seconds - rhs.seconds) }
}

extension Date {
    public static func + (lhs: Date, rhs: TimeSpan) -> Date { lhs.addingTimeInterval(rhs.timeInterval) }
    public static func - (lhs: Date, rhs: TimeSpan) -> Date { lhs.addingTimeInterval(-rhs.timeInterval) }
}
