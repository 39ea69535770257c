import Foundation
import Logging
import RotatorCore

/// Runs the policy's `notify.command` (SPEC §8.8): argv without a shell, the JSON payload on stdin, the tool's
/// environment minus every variable the policy names in a `*_env` key. A non-zero exit, a signal or the timeout
/// throws; the caller logs it and carries on.
public struct NotificationCommand: Sendable {
    public var argv: [String]
    public var timeout: Duration
    public var scrubbedVariables: Set<String>
    public var baseEnvironment: [String: String]
    private let logger: Logger

    public init(
        argv: [String], timeout: Duration = .seconds(30), scrubbedVariables: Set<String>,
        baseEnvironment: [String: String], logger: Logger
    ) {
        self.argv = argv
        self.timeout = timeout
        self.scrubbedVariables = scrubbedVariables
        self.baseEnvironment = baseEnvironment
        self.logger = logger
    }

    public func send(_ payload: [UInt8]) async throws {
        guard let command = argv.first else { throw SinkError.emptyCommand }
        let executable = try ExecutableLocator.locate(command, searchPath: baseEnvironment["PATH"])
        let invocation = CommandRunner.Invocation(
            executable: executable, command: command, arguments: Array(argv.dropFirst()),
            environment: baseEnvironment.filter { !scrubbedVariables.contains($0.key) }, input: payload,
            timeout: timeout, killGrace: .seconds(2))
        let outcome = try await CommandRunner.run(invocation)
        for line in outcome.standardError.lines(redacting: "") {
            logger.info("\(line)", metadata: ["notify": "\(command)", "stream": "stderr"])
        }
        try CommandRunner.requireSuccess(outcome, command: command, timeout: timeout)
    }
}
