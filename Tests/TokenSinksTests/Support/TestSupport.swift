import Foundation
import Logging
import RotatorCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` with a fresh folder under the system temporary folder, removed afterwards.
func withTemporaryFolder(_ body: (String) async throws -> Void) async throws {
    var base = NSTemporaryDirectory()
    while base.count > 1, base.hasSuffix("/") { base.removeLast() }
    var template = Array((base + "/token-sinks-XXXXXX").utf8CString)
    let folder = try template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let created = mkdtemp(buffer.baseAddress!) else {
            throw TestFailure("mkdtemp failed: errno \(errno)")
        }
        return String(cString: created)
    }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try await body(folder)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The permission bits of a file or folder.
func permissions(_ path: String) throws -> mode_t {
    var status = stat()
    guard stat(path, &status) == 0 else { throw TestFailure("stat \(path): errno \(errno)") }
    return status.st_mode & 0o7777
}

func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

func entries(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
}

/// Creates (or replaces) a file holding `text`.
func writeFile(_ path: String, _ text: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
}

/// A delivery with a recognisable fake value.
func sampleDelivery(value: String = "11aa22bb33cc44dd55ee66ff77889900", oldUUID: String? = "old-uuid-1")
    -> TokenDelivery
{
    TokenDelivery(
        controller: "ci-main", controllerURL: URL(string: "https://jenkins.example.com/")!, user: "alice",
        name: "ci", uuid: "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", oldUUID: oldUUID,
        created: Date(timeIntervalSince1970: 1_767_571_200),  // 2026-01-05T00:00:00Z
        value: Secret(value))
}

/// Keeps every log entry in memory, so a test can look for a leaked value.
final class LogRecorder: @unchecked Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    var entries: [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// Every message and metadata value, one per line: what a log file would show.
    var allText: String {
        entries.map { entry in
            ([entry.message] + entry.metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }.joined(separator: "\n")
    }

    func record(_ entry: Entry) {
        lock.lock()
        stored.append(entry)
        lock.unlock()
    }

    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "token-sinks-tests") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = level
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.record(
            .init(
                level: event.level, message: event.message.description,
                metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}
