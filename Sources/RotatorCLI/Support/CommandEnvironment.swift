import Foundation
import Logging

/// Everything a command takes from the world: the clock, environment variables, output streams
/// and the logger. `run()` builds the live one; tests build their own and call `run(_:)`.
public struct CommandEnvironment: Sendable {
    public var now: @Sendable () -> Date
    public var variables: [String: String]
    public var stdout: any TextOutput
    public var stderr: any TextOutput
    public var logger: Logger
    /// Whether stderr is a terminal (progress lines are drawn only there).
    public var stderrIsTerminal: Bool
    /// The log format; with `json` the error that ends a command is a JSON log line too, so that a log file
    /// stays JSON lines (docs/logging.md).
    public var logFormat: LogFormat = .text
    /// Reads standard input (`inventory import -`) a chunk at a time: fills the buffer it is given and returns how
    /// many bytes it put there, 0 at the end.
    public var readStandardInput: @Sendable (UnsafeMutableRawBufferPointer) throws -> Int = { buffer in
        while true {
            let count = read(STDIN_FILENO, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
    }

    public init(
        now: @escaping @Sendable () -> Date, variables: [String: String], stdout: any TextOutput,
        stderr: any TextOutput, logger: Logger, stderrIsTerminal: Bool = false
    ) {
        self.now = now
        self.variables = variables
        self.stdout = stdout
        self.stderr = stderr
        self.logger = logger
        self.stderrIsTerminal = stderrIsTerminal
    }

    /// The real process: wall clock, `ProcessInfo` environment, fd 1 and 2.
    static func live(logFormat: LogFormat?, logLevel: Logger.Level) -> CommandEnvironment {
        let isTerminal = isatty(STDERR_FILENO) == 1
        let format = logFormat ?? (isTerminal ? .text : .json)
        // On a terminal, log lines and the progress line share stderr through one status-line writer.
        let output: any TextOutput =
            isTerminal ? StatusLineOutput(FileDescriptorOutput.standardError) : FileDescriptorOutput.standardError
        let logger = Logger(label: "token-rotator") { label in
            StderrLogHandler(label: label, format: format, level: logLevel, output: output)
        }
        var env = CommandEnvironment(
            now: { Date() }, variables: ProcessInfo.processInfo.environment,
            stdout: FileDescriptorOutput.standardOutput, stderr: output, logger: logger,
            stderrIsTerminal: isTerminal)
        env.logFormat = format
        return env
    }
}
