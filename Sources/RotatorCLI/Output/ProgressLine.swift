import Foundation
import RotatorCore

/// A single progress line on a terminal's stderr, redrawn in place: done/total, failures, time left.
/// Only drawn when stderr is a terminal, never under cron or into a pipe.
struct ProgressLine: Sendable {
    let output: any TextOutput

    func draw(_ progress: RunProgress) {
        var line = "\r\u{1B}[2K[\(progress.done)/\(progress.total)]"
        if progress.failures > 0 { line += " \(progress.failures) failed" }
        if let remaining = progress.remaining { line += " ~\(Self.duration(remaining)) left" }
        if progress.done == progress.total { line += "\n" }
        output.write(line)
        output.flush()
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole < 60 ? "\(whole)s" : "\(whole / 60)m\(String(format: "%02d", whole % 60))s"
    }
}
