import ArgumentParser
import RotatorCore

extension RotatorCommand {
    struct Audit: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the plan `rotate` would carry out, token by token. Changes nothing anywhere.",
            discussion: """
                For every token in the inventory: whether it is due, why (which rule, age against its limit) and \
                what rotate would do (rotate, retire, resume, skip or none). Reads the policy and the database; \
                never talks to Jenkins and needs no secrets. Exits 4 when a managed token is past its max_age. \
                Opens the inventory read-only: never creates, migrates or locks it (exit 2 naming the path and \
                `migrate` when it is missing or older than this binary).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: RowFormatOption
        @OptionGroup var filters: TokenFilterOptions
        @Option(help: "At most this many rotations (the smaller of this and limits.max_rotations applies).")
        var max: Int?
        @Flag(help: "Plan to rotate matching tokens even when they are not due.")
        var force = false

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            try await AuditPrinter(
                global: global, format: output.format, filter: filters.filter, max: max, force: force
            )
            .run(env)
        }
    }
}

typealias Audit = RotatorCommand.Audit

/// Prints the plan; shared by `audit` and `rotate --dry-run`, which must print exactly the same.
struct AuditPrinter {
    var global: GlobalOptions
    var format: RowFormat
    var filter: TokenFilter
    var max: Int?
    var force: Bool

    func run(_ env: CommandEnvironment) async throws -> ExitStatus {
        let policy = try global.loadPolicy(env)
        return try await global.withReadOnlyInventory(env) { inventory in
            let planner = Planner(
                policy: policy, asOf: global.now(env), filter: filter, max: max, force: force,
                unfinished: try await inventory.unfinishedRotations())
            let selected = try await planner.selectOldestFirst { body in
                try await inventory.forEachActiveTokenOldestFirst(body)
            }
            let writer = RowWriter<AuditRow>(format: format, output: env.stdout)
            var counts: [PlanAction: Int] = [:]
            var overdue = 0
            try await inventory.forEachToken(includeRevoked: false) { token in
                guard let entry = planner.entry(for: token, selected: selected) else { return }
                counts[entry.action, default: 0] += 1
                if entry.assessment.isManaged && entry.assessment.overdue { overdue += 1 }
                writer.write(AuditRow(consume entry))  // moved, not copied: a copy retains each of its strings
            }
            writer.finish()
            if format == .table {
                let total = counts.values.reduce(0, +)
                let breakdown = PlanAction.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
                env.stdout.write("\(total) tokens: \(breakdown); \(overdue) overdue\n")
            }
            return overdue > 0 ? .overdue : .success
        }
    }
}
