import Foundation
import Logging
import RotatorCore

/// Delivers a token by running a program, without a shell, that reads the value on its standard
/// input (SPEC §3 `command` sink, §7 "Sink commands' environment").
///
/// The value goes to stdin only, followed by a newline, and stdin is then closed. The program's
/// environment is the tool's minus every variable in ``scrubbedVariables`` (the policy's `*_env`
/// names) and minus any variable holding the value, plus `TOKEN_ROTATOR_CONTROLLER`, `_URL`,
/// `_USER`, `_TOKEN_NAME`, `_TOKEN_UUID` and `_OLD_UUID` (empty for a first issue). A non-zero
/// exit, a signal or the timeout fails the delivery. The tail of stdout (debug) and stderr (info)
/// is logged line by line with the value replaced by `***`.
public struct CommandSink: SecretSink {
    /// The program and its arguments, placeholders already rendered. A bare program name is looked
    /// up in the `PATH` of ``baseEnvironment``.
    public let argv: [String]
    public let timeout: Duration
    /// Variables never passed to the program.
    public let scrubbedVariables: Set<String>
    /// The environment the program's is derived from: normally the tool's own.
    public let baseEnvironment: [String: String]
    /// After the timeout the program gets SIGTERM, then SIGKILL once this much more has passed.
    public let killGrace: Duration
    private let logger: Logger

    public init(
        argv: [String], timeout: Duration, scrubbedVariables: Set<String> = [],
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        killGrace: Duration = .seconds(2), logger: Logger
    ) {
        self.argv = argv
        self.timeout = timeout
        self.scrubbedVariables = scrubbedVariables
        self.baseEnvironment = baseEnvironment
        self.killGrace = killGrace
        self.logger = logger
    }

    public var description: String {
        "command " + argv.map { $0.contains(" ") || $0.isEmpty ? "\"\($0)\"" : $0 }.joined(separator: " ")
    }

    /// The environment the program runs with for `delivery`.
    public func environment(for delivery: TokenDelivery) -> [String: String] {
        let secret = delivery.value.reveal()
        var environment = baseEnvironment.filter { name, value in
            !scrubbedVariables.contains(name) && (secret.isEmpty || !value.contains(secret))
        }
        environment["TOKEN_ROTATOR_CONTROLLER"] = delivery.controller
        environment["TOKEN_ROTATOR_URL"] = delivery.controllerURL.absoluteString
        environment["TOKEN_ROTATOR_USER"] = delivery.user
        environment["TOKEN_ROTATOR_TOKEN_NAME"] = delivery.name
        environment["TOKEN_ROTATOR_TOKEN_UUID"] = delivery.uuid
        environment["TOKEN_ROTATOR_OLD_UUID"] = delivery.oldUUID ?? ""
        return environment
    }

    public func deliver(_ delivery: TokenDelivery) async throws {
        guard let command = argv.first else { throw SinkError.emptyCommand }
        let secret = delivery.value.reveal()
        if !secret.isEmpty, argv.contains(where: { $0.contains(secret) }) {
            throw SinkError.secretInArguments(command: command)
        }
        let executable = try ExecutableLocator.locate(command, searchPath: baseEnvironment["PATH"])
        let invocation = CommandRunner.Invocation(
            executable: executable, command: command, arguments: Array(argv.dropFirst()),
            environment: environment(for: delivery), input: Array((secret + "\n").utf8), timeout: timeout,
            killGrace: killGrace)
        logger.debug("running sink command", metadata: ["sink": "\(description)"])
        let outcome = try await CommandRunner.run(invocation)
        log(outcome.standardOutput, stream: "stdout", level: .debug, secret: secret)
        log(outcome.standardError, stream: "stderr", level: .info, secret: secret)

        try CommandRunner.requireSuccess(outcome, command: command, timeout: timeout)
        logger.debug("sink command succeeded", metadata: ["sink": "\(description)"])
    }

    private func log(_ tail: OutputTail, stream: String, level: Logger.Level, secret: String) {
        let metadata: Logger.Metadata = ["sink": "\(description)", "stream": "\(stream)"]
        if tail.isTruncated {
            logger.log(level: level, "(earlier output dropped; last \(tail.limit) bytes follow)", metadata: metadata)
        }
        for line in tail.lines(redacting: secret) {
            logger.log(level: level, "\(line)", metadata: metadata)
        }
    }
}
