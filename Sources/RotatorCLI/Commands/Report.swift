import ArgumentParser
import Foundation
import RotatorCore

extension RotatorCommand {
    struct Report: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report token age from the database alone.",
            discussion: """
                One row per managed token with its age, limit, due date and state. With a policy (--policy, \
                $TOKEN_ROTATOR_POLICY or ./rotation-policy.yml when it exists) max_age_seconds, due and overdue \
                are filled; without one they are null. Never talks to Jenkins. Exits 4 when a managed token is \
                past its max_age. Opens the inventory read-only: never creates, migrates or locks it (exit 2 naming the path and \
                `migrate` when it is missing or older than this binary).
                """)

        @OptionGroup var global: GlobalOptions

        @Option(
            help:
                "Output format: table, json, csv, prometheus (node-exporter textfile) or html (a self-contained page).")
        var format: ReportFormat = .table

        @Option(
            name: .customLong("older-than"),
            help: ArgumentHelp("Only tokens older than this (e.g. 60d, 1d12h).", valueName: "duration"))
        var olderThan: String?

        @Flag(help: "Include revoked tokens.")
        var all = false

        @Option(help: ArgumentHelp("Write the report to this file (atomically) instead of stdout.", valueName: "path"))
        var output: String?

        @Flag(help: "prometheus: only the per-controller series, no per-token ones (for large inventories).")
        var summary = false

        func validate() throws {
            if summary && format != .prometheus {
                throw ValidationError("--summary applies to --format prometheus only")
            }
            if let olderThan, TimeSpan(parsing: olderThan) == nil {
                throw ValidationError(
                    "--older-than \(olderThan) is not a duration (use 30s, 15m, 12h, 90d, 2w or 1d12h)")
            }
        }

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let policy = try global.loadOptionalPolicy(env)
            return try await global.withReadOnlyInventory(env) { inventory in
                let asOf = global.now(env)
                let minimumAge = olderThan.flatMap(TimeSpan.init(parsing:))
                let destination: any TextOutput = output == nil ? env.stdout : BufferOutput()
                var overdue = 0
                let include: (TokenAssessment) -> Bool = { assessment in
                    if let minimumAge, assessment.age <= minimumAge { return false }
                    if assessment.isManaged && assessment.overdue && assessment.token.state != .revoked { overdue += 1 }
                    return true
                }
                switch format {
                case .table, .json, .csv:
                    let writer = RowWriter<TokenReportRow>(
                        format: RowFormat(rawValue: format.rawValue)!, output: destination)
                    try await inventory.forEachToken(includeRevoked: all) { token in
                        let assessment = TokenAssessment(token: token, policy: policy, asOf: asOf)
                        if include(assessment) { writer.write(TokenReportRow(assessment)) }
                    }
                    writer.finish()
                case .prometheus:
                    var report = PrometheusReport(
                        controllers: policy?.controllers.map(\.id) ?? [], hasPolicy: policy != nil, summary: summary,
                        asOf: asOf)
                    try await inventory.forEachToken(includeRevoked: true) { token in
                        let assessment = TokenAssessment(token: token, policy: policy, asOf: asOf)
                        if include(assessment) { report.add(assessment) }
                    }
                    destination.write(report.render())
                case .html:
                    var report = HTMLReport(asOf: asOf, source: policy?.source ?? inventory.location)
                    try await inventory.forEachToken(includeRevoked: all) { token in
                        let assessment = TokenAssessment(token: token, policy: policy, asOf: asOf)
                        if include(assessment) { report.add(assessment) }
                    }
                    destination.write(report.render())
                }
                destination.flush()
                if let output, let buffer = destination as? BufferOutput {
                    try AtomicFile.write(buffer.text, to: output)
                }
                return overdue > 0 ? .overdue : .success
            }
        }
    }
}

typealias Report = RotatorCommand.Report

/// `report --format`: the row formats plus the two report-only ones.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, csv, prometheus, html
}
