import Foundation

extension TimeSpan {
    /// The two largest units, for messages: `80d3h`, `5h2m`, `42s`.
    public var roughDescription: String {
        var rest = seconds.magnitude
        guard rest > 0 else { return "0s" }
        // Built in place: `audit` writes two of these for each of a million tokens.
        var text = seconds < 0 ? "-" : ""
        var written = 0
        for (size, unit) in Self.roughUnits where rest >= size {
            text += String(rest / size)
            text.append(unit)
            rest %= size
            written += 1
            if written == 2 { break }
        }
        return text
    }

    private static let roughUnits: [(UInt64, Character)] = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")]
}
