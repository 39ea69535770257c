import Foundation
import Logging
import RotatorCore

/// How log lines look on stderr: `text` for a person at a terminal, `json` (one object per line)
/// for journald, cron mail filters and log shippers.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// The CLI's only log handler. Libraries take a `Logger`; this decides where and how it prints.
/// Metadata values are printed as given: callers never put a secret in metadata (a `Secret`
/// would print `***` anyway).
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: LogFormat
    private let output: any TextOutput

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
        let now = Date()
        switch format {
        case .text:
            var line = "\(Timestamp.format(now)) \(event.level.rawValue.uppercased()) \(event.message)"
            for key in merged.keys.sorted() { line += " \(key)=\(Self.flatten(merged[key]!))" }
            output.write(line + "\n")
        case .json:
            var line = "{\"time\":\"\(Timestamp.format(now))\",\"level\":\"\(event.level.rawValue)\","
            line += "\"message\":\(JSONText.quote(event.message.description))"
            for key in merged.keys.sorted() {
                line += ",\(JSONText.quote(key)):\(JSONText.quote(Self.flatten(merged[key]!)))"
            }
            output.write(line + "}\n")
        }
        output.flush()
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
