import Foundation
import TokenSinks

/// Whole-file replacement for reports and metrics: a reader (a Prometheus collector, a web server)
/// sees the old file or the new one, never half of one. The same writer as the file sinks'.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        try AtomicFileWriter.replaceContents(of: absolute, with: Array(text.utf8), mode: 0o644)
    }
}
