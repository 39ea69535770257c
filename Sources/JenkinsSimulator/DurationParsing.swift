import Foundation

/// Parses the short durations used on the command line and in fault specs: `250ms`, `2s`, `1.5s`, `100us`,
/// `3m`, `1h`, or a bare `0`.
enum DurationParsing {
    static func parse(_ text: String) throws -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" { return .zero }
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            // "ms" also ends in "s": make sure the number part is really numeric before accepting a unit.
            guard let value = Double(number), value >= 0, value.isFinite else { continue }
            return .nanoseconds(Int64((value * unit.nanoseconds).rounded()))
        }
        throw SimulatorError.invalidDuration(text)
    }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }
}
