import ArgumentParser
import Foundation
import InventoryStore
import Logging
import RotatorCore

extension RotatorCommand {
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
            // As `rotate` (SPEC §4.8): the first SIGTERM/SIGINT lets the token in flight finish and be recorded; a second
            // one kills the sink commands' process groups and exits at once.
            let logger = env.logger
            InterruptFlag.shared.install { signal in
                logger.warning("signal \(signal): finishing the token in flight, then exiting")
            }
            guard let token = try inventory.token(uuid: uuid.lowercased()) else {
                throw InventoryError.unknownUUID(path: inventory.path, uuid: uuid)
            }
            let context = RotationContext.live(policy: policy, inventory: inventory, global: global, env: env)
            let summary = try await LiveJenkins.withConnections(policy: policy, ids: [token.controller], env: env) {
                connections in
                try await context.inRun(mode: "revoke") { context in
                    let result = try await TokenRevocation(
                        context: context, connection: connections[token.controller]!
                    ).revoke(token)
                    return RunSummary(runID: context.runID, asOf: context.now(), results: [result])
                }
            }
            let result = summary.results[0]
            env.stderr.write("revoke \(token.uuid): " + (result.error ?? "revoked") + "\n")
            return result.error == nil ? .success : .tokenFailures
        }
    }
}

typealias Revoke = RotatorCommand.Revoke
