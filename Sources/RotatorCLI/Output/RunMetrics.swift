import Foundation
import InventoryStore
import RotatorCore

/// `rotate --metrics-file`: the run's health as a node-exporter textfile, replaced atomically so that the
/// collector never reads half a file. Alert on `time() - token_rotator_last_success_timestamp_seconds`.
struct RunMetrics {
    var summary: RunSummary
    var inventory: Inventory
    var duration: TimeInterval

    func render() throws -> String {
        let finished = Date()
        let lastSuccess: Date? =
            summary.hasFailures
            ? try inventory.lastRuns(limit: 1_000).first { $0.mode == "rotate" && $0.exitCode == 0 }?.finished
            : finished
        let uncertain = try inventory.unfinishedRotations().filter { $0.step == .uncertain || $0.step == .generating }
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
            "token_rotator_run_duration_seconds", type: "gauge", help: "Wall time of the last rotate run.",
            samples: [([:], duration)])
        text.metric(
            "token_rotator_uncertain_rotations", type: "gauge",
            help: "Rotations whose generate response was lost and that a person may need to settle.",
            samples: [([:], Double(uncertain.count))])
        return text.text
    }

    func write(to path: String) throws {
        try AtomicFile.write(try render(), to: path)
    }
}
