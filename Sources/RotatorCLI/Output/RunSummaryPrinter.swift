import Foundation
import RotatorCore

/// Prints a run's results: a table and a summary line, CSV rows, or SPEC §2's JSON document.
struct RunSummaryPrinter {
    var format: RowFormat

    func print(_ summary: RunSummary, to output: any TextOutput) {
        let counts = summary.counts
        switch format {
        case .json:
            var text = "{\n  \"run_id\": \(summary.runID.map(String.init) ?? "null"),\n"
            text += "  \"as_of\": \"\(Timestamp.format(summary.asOf))\",\n  \"dry_run\": \(summary.dryRun),\n"
            text += "  \"rotated\": \(counts.rotated),\n  \"failed\": \(counts.failed),\n"
            text += "  \"retired\": \(counts.retired),\n  \"skipped\": \(counts.skipped),\n"
            text += "  \"uncertain\": \(counts.uncertain),\n  \"interrupted\": \(summary.interrupted),\n  \"results\": "
            output.write(text)
            let rows = BufferOutput()
            let writer = RowWriter<RotationResultRow>(format: .json, output: rows)
            for result in summary.results { writer.write(RotationResultRow(result)) }
            writer.finish()
            output.write(rows.text.trimmingCharacters(in: .newlines).replacingOccurrences(of: "\n", with: "\n  "))
            output.write("\n}\n")
        case .csv, .table:
            let writer = RowWriter<RotationResultRow>(format: format, output: output)
            for result in summary.results { writer.write(RotationResultRow(result)) }
            writer.finish()
            if format == .table {
                output.write(
                    "run \(summary.runID.map(String.init) ?? "-"): \(counts.rotated) rotated, \(counts.failed) failed, "
                        + "\(counts.retired) retired, \(counts.skipped) skipped, \(counts.uncertain) uncertain"
                        + (summary.interrupted ? " (interrupted)" : "") + "\n")
            }
        }
        output.flush()
    }
}
