import ArgumentParser
import Foundation
import InventoryStore
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
            guard let token = try inventory.token(uuid: uuid.lowercased()) else {
                throw InventoryError.unknownUUID(path: inventory.path, uuid: uuid)
            }
            let result = try await LiveJenkins.withConnections(policy: policy, ids: [token.controller], env: env) {
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

typealias Revoke = RotatorCommand.Revoke
