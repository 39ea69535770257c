import Foundation
import Logging
import RotatorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rotate --metrics-file`: the run's health as a node-exporter textfile, replaced atomically so that the
/// collector never reads half a file. Alert on `time() - token_rotator_last_success_timestamp_seconds`.
struct RunMetrics {
    var summary: RunSummary
    var inventory: any InventoryDatabase
    var duration: TimeInterval
    /// The exit code the run ends with (0 or 1): a file that cannot be written turns a 0 into a 1.
    var exitCode: ExitStatus

    func render() async throws -> String {
        let finished = Date()
        let lastSuccess: Date? =
            summary.hasFailures
            ? try await inventory.lastRuns(limit: 1_000).first { $0.mode == "rotate" && $0.exitCode == 0 }?.finished
            : finished
        let uncertain = try await inventory.unfinishedRotations().filter {
            $0.step == .uncertain || $0.step == .generating
        }
        var text = PrometheusText()
        text.metric(
            "token_rotator_last_run_timestamp_seconds", type: "gauge",
            help: "When the last rotate run finished (Unix time).", samples: [([:], finished.timeIntervalSince1970)])
        text.metric(
            "token_rotator_last_success_timestamp_seconds", type: "gauge",
            help: "When the last rotate run with no failure finished (Unix time); 0 if none yet.",
            samples: [([:], lastSuccess?.timeIntervalSince1970 ?? 0)])
        let counts = summary.counts
        let byOutcome: [(String, Int)] = [
            ("rotated", counts.rotated), ("retired", counts.retired), ("failed", counts.failed),
            ("uncertain", counts.uncertain), ("skipped", counts.skipped),
            ("in_progress", summary.results.filter { $0.outcome == .inProgress }.count),
        ]
        text.metric(
            "token_rotator_run_rotations", type: "gauge", help: "Tokens by outcome in the last rotate run.",
            samples: byOutcome.map { (["outcome": $0.0], Double($0.1)) })
        text.metric(
            "token_rotator_last_run_exit_code", type: "gauge",
            help: "Exit code of the last rotate run (0 success, 1 a token operation failed).",
            samples: [([:], Double(exitCode.rawValue))])
        text.metric(
            "token_rotator_run_duration_seconds", type: "gauge", help: "Wall time of the last rotate run.",
            samples: [([:], duration)])
        text.metric(
            "token_rotator_uncertain_rotations", type: "gauge",
            help: "Rotations whose generate response was lost and that a person may need to settle.",
            samples: [([:], Double(uncertain.count))])
        return text.text
    }

    /// Writes the file; on failure logs why and returns false. Tokens have changed by then, so the caller exits 1
    /// (SPEC §8.2), never 2.
    func write(to path: String, logger: Logger) async -> Bool {
        do {
            try AtomicFile.write(try await render(), to: path)
            return true
        } catch {
            logger.error(
                "the metrics file could not be written; the run itself finished",
                metadata: ["path": "\(path)", "error": "\(error)"])
            return false
        }
    }

    /// Refuses, before the run changes anything (exit 2), a metrics file that could not be created: its folder, or
    /// the nearest existing folder above it (the writer creates missing folders), must be writable.
    static func requireWritableFolder(of path: String) throws {
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        guard isFolder.boolValue, access(folder.path, W_OK | X_OK) == 0 else {
            throw CLIError.unwritableFile(
                path: path, reason: "--metrics-file: this user may not create files in \(folder.path)")
        }
    }
}
