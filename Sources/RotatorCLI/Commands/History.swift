import ArgumentParser
import RotatorCore

extension RotatorCommand {
    struct History: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the rotation log, newest first.",
            discussion: """
                Every rotation with its outcome: rotated, retired, failed, uncertain, in_progress or skipped. \
                Opens the inventory read-only: never creates, migrates or locks it (exit 2 naming the path and \
                `migrate` when it is missing or older than this binary).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: RowFormatOption

        @Option(
            help: ArgumentHelp("Only rotations started within this long before now (e.g. 7d).", valueName: "duration"))
        var since: String?

        @Option(help: ArgumentHelp("Only rotations of this token (old or new uuid).", valueName: "uuid"))
        var token: String?

        func validate() throws {
            if let since, TimeSpan(parsing: since) == nil {
                throw ValidationError("--since \(since) is not a duration (use 30s, 15m, 12h, 90d, 2w or 1d12h)")
            }
        }

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let cutoff = since.flatMap(TimeSpan.init(parsing:)).map { global.now(env) - $0 }
            let rotations = try await global.withReadOnlyInventory(env) { inventory in
                try await inventory.history(since: cutoff, tokenUUID: token?.lowercased(), limit: nil)
            }
            let writer = RowWriter<HistoryRow>(format: output.format, output: env.stdout)
            for rotation in rotations {
                writer.write(HistoryRow(rotation))
            }
            writer.finish()
            return .success
        }
    }
}

typealias History = RotatorCommand.History
