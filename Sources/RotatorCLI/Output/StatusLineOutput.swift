import Foundation
import Locking

/// A terminal's stderr shared by log lines and one status line (the progress of a run), so that neither
/// garbles the other (SPEC §8.3): a log line first clears the unfinished status line, then the status line is
/// drawn again below it. Only used when stderr is a terminal.
public final class StatusLineOutput: TextOutput {
    private let base: any TextOutput
    /// The status line on screen now, nil when none is.
    private let status = LockedValue<String?>(nil)
    static let clearLine = "\r\u{1B}[2K"

    public init(_ base: any TextOutput) {
        self.base = base
    }

    /// Writes whole lines (log lines, messages) above the status line.
    public func write(_ text: String) {
        status.withLock { current in
            guard let current else { return base.write(text) }
            base.write(Self.clearLine + text)
            if text.hasSuffix("\n") { base.write(current) }
        }
    }

    /// Draws `line` as the status line; `final` ends it with a newline (it then stays on screen as written).
    public func showStatus(_ line: String, final: Bool) {
        status.withLock { current in
            base.write(Self.clearLine + line + (final ? "\n" : ""))
            current = final ? nil : line
        }
        base.flush()
    }

    public func flush() { base.flush() }

    public var writeFailure: String? { base.writeFailure }
}
