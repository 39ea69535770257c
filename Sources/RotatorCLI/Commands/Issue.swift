import ArgumentParser
import Foundation
import Logging
import RotatorCore

extension RotatorCommand {
    struct Issue: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mint a new token for a user, deliver it per policy, verify and record it.",
            discussion: """
                The value goes only to the policy's sinks for this controller, user and name; with --stdout it is \
                also printed alone on one line of stdout (everything else goes to stderr).
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "The controller id, as in the policy.") var controller: String
        @Option(help: "The Jenkins user the token is for.") var user: String
        @Option(help: "The token's logical name (the policy's token_name may decorate it).") var name: String
        @Flag(
            name: .customLong("stdout"),
            help: "Also print the new value on stdout (opt-in; nothing else goes to stdout).")
        var printValue = false

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            try await LockedInventory.with(global, env) { locked in
                try await issue(policy: locked.policy, inventory: locked.inventory, env)
            }
        }

        private func issue(
            policy: RotationPolicy, inventory: any InventoryDatabase, _ env: CommandEnvironment
        ) async throws -> ExitStatus {
            // As `rotate` (SPEC §4.8): the first SIGTERM/SIGINT lets the token in flight finish and be recorded; a second
            // one kills the sink commands' process groups and exits at once.
            let logger = env.logger
            InterruptFlag.shared.install { signal in
                logger.warning("signal \(signal): finishing the token in flight, then exiting")
            }
            let reveal = printValue ? Self.printer(env.stdout) : nil
            let context = RotationContext.live(policy: policy, inventory: inventory, global: global, env: env)
            let summary = try await LiveJenkins.withConnections(policy: policy, ids: [controller], env: env) {
                connections in
                try await context.inRun(mode: "issue") { context in
                    let result = try await TokenIssue(context: context, connection: connections[controller]!)
                        .issue(user: user, name: name, reveal: reveal)
                    return RunSummary(runID: context.runID, asOf: context.now(), results: [result])
                }
            }
            let result = summary.results[0]
            env.stderr.write(
                "issue \(controller)/\(user)/\(name): \(result.outcome.rawValue)"
                    + (result.newUUID.map { " \($0)" } ?? "") + (result.error.map { ": \($0)" } ?? "") + "\n")
            return result.outcome == .rotated && result.error == nil ? .success : .tokenFailures
        }

        /// `--stdout`: the value alone on one line.
        private static func printer(_ output: any TextOutput) -> @Sendable (Secret) -> Void {
            { value in output.write(value.reveal() + "\n") }
        }
    }
}

typealias Issue = RotatorCommand.Issue
