import Foundation
import Logging

/// Keeps every log entry in memory (trace level and up), so that a test can look at what was logged — and for a
/// value that must never be.
public final class LogRecorder: @unchecked Sendable {
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    public init() {}

    public func record(_ entry: Entry) {
        lock.lock()
        stored.append(entry)
        lock.unlock()
    }

    public var entries: [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// Each entry as one line, `level message key=value…` (metadata sorted by key).
    public var all: [String] {
        entries.map { entry in
            let rendered = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([String(describing: entry.level), entry.message] + rendered).joined(separator: " ")
        }
    }

    /// Every message and metadata value, one entry per line: what a log file would show.
    public var allText: String { all.joined(separator: "\n") }

    /// A logger writing into this recorder.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = level
        return logger
    }
}

/// The `LogHandler` behind ``LogRecorder/logger(label:level:)``.
public struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        recorder.record(
            .init(
                level: event.level, message: event.message.description,
                metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}
