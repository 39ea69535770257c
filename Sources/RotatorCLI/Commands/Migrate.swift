import ArgumentParser
import InventoryStore
import Logging

extension RotatorCommand {
    struct Migrate: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending inventory migrations and print the schema version.",
            discussion: "Every command migrates the database implicitly; this one only does that.")

        @OptionGroup var global: GlobalOptions

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let inventory = try Inventory.open(path: global.databasePath(env)) { env.logger.warning("\($0)") }
            env.stdout.write("schema version: \(try inventory.schemaVersion)\n")
            return .success
        }
    }
}

typealias Migrate = RotatorCommand.Migrate
