import ArgumentParser
import Foundation
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
            try await LockedInventory.with(global, env) { locked in
                try await revoke(policy: locked.policy, inventory: locked.inventory, env)
            }
        }

        private func revoke(
            policy: RotationPolicy, inventory: any InventoryDatabase, _ env: CommandEnvironment
        ) async throws -> ExitStatus {
            // As `rotate` (SPEC §4.8): the first SIGTERM/SIGINT lets the token in flight finish and be recorded; a second
            // one kills the sink commands' process groups and exits at once.
            let logger = env.logger
            InterruptFlag.shared.install { signal in
                logger.warning("signal \(signal): finishing the token in flight, then exiting")
            }
            guard let token = try await inventory.token(uuid: uuid.lowercased()) else {
                throw CLIError.unknownUUID(inventory: inventory.location, uuid: uuid)
            }
            // Refused before a run starts (exit 2, nothing recorded); the claim inside the run closes the race.
            if let holder = try await inventory.claims?.claimHolder(uuid: token.uuid) {
                throw CLIError.tokenClaimed(uuid: token.uuid, runID: holder)
            }
            let context = RotationContext.live(policy: policy, inventory: inventory, global: global, env: env)
            let summary = try await LiveJenkins.withConnections(policy: policy, ids: [token.controller], env: env) {
                connections in
                try await context.inRun(mode: "revoke") { context in
                    // A shared inventory: another rotator working on this token right now keeps it.
                    if let claims = context.claims, let runID = context.runID,
                        try await !claims.claim(uuid: token.uuid, runID: runID, lease: context.claimLease)
                    {
                        throw CLIError.tokenClaimed(
                            uuid: token.uuid, runID: try await claims.claimHolder(uuid: token.uuid))
                    }
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
