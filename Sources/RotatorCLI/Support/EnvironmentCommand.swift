import ArgumentParser
import Foundation
import Logging
import RotatorCore

/// A leaf command: `run()` builds the live environment, `run(_:)` does the work and says how it
/// ended. Tests parse arguments and call `run(_:)` with their own environment.
protocol EnvironmentCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func run(_ env: CommandEnvironment) async throws -> ExitStatus
}

extension EnvironmentCommand {
    mutating func run() async throws {
        let env = try global.liveEnvironment()
        let status = try await run(env)
        env.stdout.flush()
        if status != .success { throw status.exitCode }
    }
}

extension TokenRotatorMain {
    /// Parses `arguments` and runs the command in `env`, writing any error to `env.stderr` the way
    /// the executable does. Returns the exit code. Used by the end-to-end tests.
    public static func execute(_ arguments: [String], in env: CommandEnvironment) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try RotatorCommand.parseAsRoot(arguments)
        } catch {
            return report(error, to: env)
        }
        guard let leaf = command as? any EnvironmentCommand else {
            env.stdout.write(RotatorCommand.helpMessage(for: type(of: command)) + "\n")
            return ExitStatus.success.rawValue
        }
        return await execute(leaf, in: env)
    }

    static func execute(_ command: any EnvironmentCommand, in env: CommandEnvironment) async -> Int32 {
        var status: Int32
        do {
            status = try await command.run(env).rawValue
        } catch {
            env.stdout.flush()
            status = report(error, to: env)
        }
        env.stdout.flush()
        if let failure = env.stdout.writeFailure {
            writeError(
                "token-rotator: error: cannot write standard output (\(failure)); the output is incomplete", to: env)
            status = ExitStatus.forIncompleteOutput(of: command).rawValue
        }
        return status
    }

    /// Writes an error as one line on stderr (help goes to stdout) and picks its exit code.
    static func report(_ error: any Error, to env: CommandEnvironment) -> Int32 {
        let code = RotatorCommand.exitCode(for: error)
        if code == .success {
            env.stdout.write(RotatorCommand.fullMessage(for: error) + "\n")
            return 0
        }
        if error is ExitCode { return code.rawValue }
        if isArgumentParserError(error) {
            writeError(RotatorCommand.fullMessage(for: error), to: env)
            return ExitStatus.usage.rawValue
        }
        writeError("token-rotator: error: \(error)", to: env)
        return ExitStatus(for: error).rawValue
    }

    /// The error that ends a command: a line for a person, or a JSON log line (level error) in JSON log mode.
    static func writeError(_ message: String, to env: CommandEnvironment) {
        if env.logFormat == .json {
            var logger = env.logger
            logger.logLevel = .trace  // shown whatever --log-level says: it is why the command failed
            logger.error("\(message)")
        } else {
            env.stderr.write(message + "\n")
        }
    }
}
