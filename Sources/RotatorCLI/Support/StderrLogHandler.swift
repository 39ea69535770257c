import Foundation
import Logging
import RotatorCore

/// How log lines look on stderr: `text` for a person at a terminal, `json` (one object per line)
/// for journald, cron mail filters and log shippers.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// The CLI's only log handler. Libraries take a `Logger`; this decides where and how it prints. The JSON form
/// is the schema of docs/logging.md (SPEC §8.3): `time` in RFC 3339 UTC with milliseconds, `level`, `message`,
/// then the metadata keys sorted, numbers and booleans as JSON numbers and booleans. Control characters in any
/// text (a sink command's output, a Jenkins error page) are replaced, so a log line is always one line that a
/// terminal shows as written. Callers never put a secret in metadata (a `Secret` would print `***` anyway).
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: LogFormat
    private let output: any TextOutput

    /// Keys whose values are always whole numbers, written as JSON numbers even when a caller passed text.
    public static let numericKeys: Set<String> = [
        "run_id", "rotation_id", "status", "attempt", "count", "ms", "delay_ms", "pid",
    ]

    public init(label: String, format: LogFormat, level: Logger.Level, output: any TextOutput) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let time = Self.time(Date())
        let message = Self.clean(event.message.description)
        switch format {
        case .text:
            var line = "\(time) \(event.level.rawValue.uppercased()) \(message)"
            for key in merged.keys.sorted() { line += " \(key)=\(Self.clean(Self.flatten(merged[key]!)))" }
            output.write(line + "\n")
        case .json:
            var line =
                "{\"time\":\"\(time)\",\"level\":\"\(event.level.rawValue)\",\"message\":\(JSONText.quote(message))"
            for key in merged.keys.sorted() where !Self.reservedKeys.contains(key) {
                line += ",\(JSONText.quote(key)):\(Self.json(merged[key]!, key: key))"
            }
            output.write(line + "}\n")
        }
        output.flush()
    }

    private static let reservedKeys: Set<String> = ["time", "level", "message"]

    /// RFC 3339 in UTC with milliseconds: `2026-11-29T03:17:04.512Z`.
    static func time(_ date: Date) -> String {
        let whole = Timestamp.format(date)
        let milliseconds = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000)
        return String(whole.dropLast()) + "." + String(format: "%03d", min(milliseconds, 999)) + "Z"
    }

    /// Text with every control character replaced: tab, CR and LF by a space, the rest (ESC, BEL, DEL, C1)
    /// by U+FFFD, so that output copied from a sink command cannot move the cursor or forge a second line.
    static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !isControl(scalar) {
                scalars.append(scalar)
            } else {
                scalars.append(scalar == "\n" || scalar == "\r" || scalar == "\t" ? " " : "\u{FFFD}")
            }
        }
        return String(scalars)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func json(_ value: Logger.Metadata.Value, key: String?) -> String {
        switch value {
        case .string(let text):
            if let key, numericKeys.contains(key), Int64(text) != nil { return text }
            return JSONText.quote(clean(text))
        case .stringConvertible(let convertible):
            switch convertible {
            case let flag as Bool: return flag ? "true" : "false"
            case let number as any BinaryInteger: return "\(number)"
            case let number as Double where number.isFinite: return "\(number)"
            default: return json(.string(convertible.description), key: key)
            }
        case .array(let values):
            return "[" + values.map { json($0, key: nil) }.joined(separator: ",") + "]"
        case .dictionary(let values):
            let fields = values.keys.sorted().map { "\(JSONText.quote($0)):\(json(values[$0]!, key: $0))" }
            return "{" + fields.joined(separator: ",") + "}"
        }
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(flatten).joined(separator: ",")
        case .dictionary(let values):
            values.keys.sorted().map { "\($0):\(flatten(values[$0]!))" }.joined(separator: ",")
        }
    }
}
