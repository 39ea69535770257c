import Foundation
import RotatorCore

/// A single progress line on a terminal's stderr, redrawn in place: done/total, failures, time left.
/// Only drawn when stderr is a terminal, never under cron or into a pipe. On a ``StatusLineOutput`` the log
/// lines written meanwhile appear above it instead of over it.
struct ProgressLine: Sendable {
    let output: any TextOutput

    func draw(_ progress: RunProgress) {
        var line = "[\(progress.done)/\(progress.total)]"
        if progress.failures > 0 { line += " \(progress.failures) failed" }
        if let remaining = progress.remaining { line += " ~\(Self.duration(remaining)) left" }
        show(line, final: progress.done == progress.total)
    }

    /// A count without a total (an import streams: its length in rows is known at the end), `[2500 imported]`.
    func drawCount(_ done: Int, _ what: String, final: Bool) {
        show("[\(done) \(what)]", final: final)
    }

    private func show(_ line: String, final: Bool) {
        if let terminal = output as? StatusLineOutput {
            terminal.showStatus(line, final: final)
            return
        }
        output.write(StatusLineOutput.clearLine + line + (final ? "\n" : ""))
        output.flush()
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole < 60 ? "\(whole)s" : "\(whole / 60)m\(String(format: "%02d", whole % 60))s"
    }
}
