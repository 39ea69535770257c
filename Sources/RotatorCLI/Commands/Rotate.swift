import ArgumentParser
import Foundation
import Logging
import RotatorCore
import TokenSinks

extension RotatorCommand {
    struct Rotate: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate every due token, resume unfinished rotations, retire tokens whose grace has passed.",
            discussion: """
                For each due token: mint a replacement, deliver it to every sink, verify it authenticates as its \
                user, then revoke the old token (or keep it retiring for the grace period). Every step is journaled \
                in the inventory before the next one, so a crash or a failing Jenkins never loses a credential. \
                One run at a time per inventory (exit 3 otherwise). SIGTERM/SIGINT finish the tokens in flight and \
                start no new ones.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: RowFormatOption
        @OptionGroup var filters: TokenFilterOptions

        @Option(help: "At most this many rotations this run (the smaller of this and limits.max_rotations applies).")
        var max: Int?

        @Flag(help: "Rotate matching tokens even when they are not due (e.g. a leaked token: --force --grace 0).")
        var force = false

        @Option(
            help: ArgumentHelp("Override every rule's grace period for this run (e.g. 0s, 1d).", valueName: "duration"))
        var grace: String?

        @Flag(name: .customLong("dry-run"), help: "Print what `audit` prints and exit as it does; change nothing.")
        var dryRun = false

        @Option(
            name: .customLong("metrics-file"),
            help: ArgumentHelp("Write run metrics (Prometheus textfile) here after the run.", valueName: "path"))
        var metricsFile: String?

        func validate() throws {
            if let grace, TimeSpan(parsing: grace) == nil {
                throw ValidationError("--grace \(grace) is not a duration (use 0s, 30s, 15m, 12h, 90d, 2w or 1d12h)")
            }
            if let max, max < 0 { throw ValidationError("--max must be 0 or more") }
        }

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            if dryRun {
                return try await AuditPrinter(
                    global: global, format: output.format, filter: filters.filter, max: max, force: force
                ).run(env)
            }
            if let metricsFile { try RunMetrics.requireWritableFolder(of: metricsFile) }
            return try await LockedInventory.with(global, env) { locked in
                try await rotate(policy: locked.policy, inventory: locked.inventory, env)
            }
        }

        private func rotate(
            policy: RotationPolicy, inventory: any InventoryDatabase, _ env: CommandEnvironment
        ) async throws -> ExitStatus {
            let interrupt = InterruptFlag.shared
            let logger = env.logger
            interrupt.install { signal in
                logger.warning("signal \(signal): finishing the tokens in flight, starting no new ones")
            }
            let started = Date()
            let summary = try await LiveJenkins.withConnections(
                policy: policy, ids: Set(filters.controllers), env: env
            ) { connections in
                let context = RotationContext.live(policy: policy, inventory: inventory, global: global, env: env)
                let options = RotationEngine.Options(
                    filter: filters.filter, max: max, force: force,
                    graceOverride: grace.flatMap(TimeSpan.init(parsing:)))
                var engine = RotationEngine(
                    context: context, options: options, connections: connections, shouldStop: { interrupt.isRaised })
                if env.stderrIsTerminal { engine.progress = ProgressLine(output: env.stderr).draw }
                return try await engine.run()
            }
            RunSummaryPrinter(format: output.format).print(summary, to: env.stdout)
            let status: ExitStatus = summary.hasFailures ? .tokenFailures : .success
            await RunNotifier.send(
                summary, exitCode: status, policy: policy, inventory: inventory, asOf: global.clock(env)(), env: env)
            guard let metricsFile else { return status }
            let metrics = RunMetrics(
                summary: summary, inventory: inventory, duration: Date().timeIntervalSince(started), exitCode: status)
            return await metrics.write(to: metricsFile, logger: env.logger) ? status : .tokenFailures
        }
    }
}

typealias Rotate = RotatorCommand.Rotate
