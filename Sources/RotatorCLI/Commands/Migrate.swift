import ArgumentParser
import Logging
import RotatorCore

extension RotatorCommand {
    struct Migrate: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending inventory migrations and print the schema version.",
            discussion: "Every command migrates the database implicitly; this one only does that.")

        @OptionGroup var global: GlobalOptions

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let version = try await global.withWritableInventory(env) { inventory in try await inventory.schemaVersion }
            env.stdout.write("schema version: \(version)\n")
            return .success
        }
    }
}

typealias Migrate = RotatorCommand.Migrate
