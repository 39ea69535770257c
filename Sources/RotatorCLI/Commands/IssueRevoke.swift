import ArgumentParser
import Foundation
import InventoryStore
import RotatorCore
import TokenSinks

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
            let locked = try LockedInventory(global, env)
            defer { locked.release() }
            let (policy, inventory) = (locked.policy, locked.inventory)
            let reveal = printValue ? Self.printer(env.stdout) : nil
            let context = try RunContext.make(
                policy: policy, inventory: inventory, global: global, env: env, mode: "issue")
            let result = try await LiveJenkins.withSessions(policy: policy, ids: [controller], env: env) { sessions in
                try await issue(in: sessions, context: context, reveal: reveal)
            }
            env.stderr.write(
                "issue \(controller)/\(user)/\(name): \(result.outcome.rawValue)"
                    + (result.newUUID.map { " \($0)" } ?? "") + (result.error.map { ": \($0)" } ?? "") + "\n")
            return result.outcome == .rotated && result.error == nil ? .success : .tokenFailures
        }

        /// `--stdout`: the value alone on one line.
        private static func printer(_ output: any TextOutput) -> @Sendable (Secret) -> Void {
            { value in output.write(value.reveal() + "\n") }
        }

        private func issue(
            in sessions: [String: ControllerSession], context: RunContext, reveal: (@Sendable (Secret) -> Void)?
        ) async throws -> RotationResult {
            let result = try await TokenIssue(context: context.rotation, session: sessions[controller]!)
                .issue(user: user, name: name, reveal: reveal)
            context.finish(result)
            return result
        }
    }

    struct Revoke: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke one inventory token now and record it.",
            discussion: "Where the token's value is at hand (its file sink), the revoke is confirmed by a 401.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The token's uuid.") var uuid: String

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let locked = try LockedInventory(global, env)
            defer { locked.release() }
            let (policy, inventory) = (locked.policy, locked.inventory)
            guard let token = try inventory.token(uuid: uuid.lowercased()) else {
                throw InventoryError.unknownUUID(path: inventory.path, uuid: uuid)
            }
            let result = try await LiveJenkins.withSessions(policy: policy, ids: [token.controller], env: env) {
                sessions in
                let context = try RunContext.make(
                    policy: policy, inventory: inventory, global: global, env: env, mode: "revoke")
                let result = try await TokenRevocation(context: context.rotation, session: sessions[token.controller]!)
                    .revoke(token)
                context.finish(result)
                return result
            }
            env.stderr.write("revoke \(token.uuid): " + (result.error ?? "revoked") + "\n")
            return result.error == nil ? .success : .tokenFailures
        }
    }
}

typealias Issue = RotatorCommand.Issue
typealias Revoke = RotatorCommand.Revoke

/// A run row and rotation context for the one-token commands (`issue`, `revoke`).
struct RunContext {
    var rotation: RotationContext
    var inventory: Inventory

    static func make(
        policy: RotationPolicy, inventory: Inventory, global: GlobalOptions, env: CommandEnvironment, mode: String
    ) throws -> RunContext {
        let clock = global.clock(env)
        let runID = try inventory.startRun(
            RunRecord(started: clock(), mode: mode), asOf: global.asOf.flatMap(Timestamp.parse), events: [])
        return RunContext(
            rotation: RotationContext(
                policy: policy, inventory: inventory, sinks: SinkFactory.live(policy: policy, env: env), now: clock,
                logger: env.logger, runID: runID),
            inventory: inventory)
    }

    func finish(_ result: RotationResult) {
        guard let runID = rotation.runID else { return }
        let summary = RunSummary(runID: runID, asOf: rotation.now(), results: [result])
        try? inventory.finishRun(
            id: runID, counts: summary.counts, exitCode: summary.hasFailures ? 1 : 0, finished: rotation.now(),
            events: [])
    }
}

extension SinkFactory {
    /// The sinks of a live run: sink commands inherit the tool's environment minus every variable the
    /// policy names in a `*_env` key.
    static func live(policy: RotationPolicy, env: CommandEnvironment) -> SinkFactory {
        SinkFactory(
            scrubbedVariables: Set(policy.namedSecretVariables), baseEnvironment: env.variables, logger: env.logger)
    }
}
