import Foundation

extension TimeSpan {
    /// The two largest units, for messages: `80d3h`, `5h2m`, `42s`.
    public var roughDescription: String {
        var parts: [String] = []
        var rest = abs(seconds)
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            parts.append("\(rest / size)\(unit)")
            rest %= size
            if parts.count == 2 { break }
        }
        if parts.isEmpty { return "0s" }
        return (seconds < 0 ? "-" : "") + parts.joined()
    }
}
