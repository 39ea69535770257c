import ArgumentParser
import Foundation
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
            env.stderr.write("token-rotator: error: cannot write standard output (\(failure)); the output is incomplete\n")
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
            env.stderr.write(RotatorCommand.fullMessage(for: error) + "\n")
            return ExitStatus.usage.rawValue
        }
        env.stderr.write("token-rotator: error: \(error)\n")
        return ExitStatus(for: error).rawValue
    }
}
