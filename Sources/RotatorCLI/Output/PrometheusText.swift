import Foundation

/// The Prometheus text exposition format: HELP and TYPE lines, then samples with escaped label values.
struct PrometheusText {
    private(set) var text = ""

    mutating func metric(_ name: String, type: String, help: String, samples: [([String: String], Double)]) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (labels, value) in samples {
            text += name + Self.labels(labels) + " " + Self.number(value) + "\n"
        }
    }

    static func labels(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.keys.sorted().map { "\($0)=\"\(escape(labels[$0]!))\"" }.joined(separator: ",") + "}"
    }

    /// Label values escape backslash, double quote and newline.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
