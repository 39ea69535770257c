import ArgumentParser
import Foundation
import InventoryStore
import Logging
import RotatorCore

/// Options every command shares. Which value wins is decided here and nowhere else:
/// the flag, then the environment variable, then the default.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The SQLite inventory; created (mode 0600) and migrated on first use by the commands that write it.",
            discussion: "Default: $TOKEN_ROTATOR_DB, else ./token-inventory.sqlite", valueName: "path"))
    var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The rotation policy (YAML).",
            discussion: "Default: $TOKEN_ROTATOR_POLICY, else ./rotation-policy.yml", valueName: "path"))
    var policy: String?

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Evaluate ages, due dates and grace deadlines as of this instant instead of now.",
            valueName: "ISO8601"))
    var asOf: String?

    @Option(
        name: .customLong("log-format"),
        help: "Log format on stderr: text or json (default: text on a terminal, else json).")
    var logFormat: LogFormatArgument?

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelArgument = .info

    func validate() throws {
        if let asOf, Timestamp.parse(asOf) == nil {
            throw ValidationError("--as-of \(asOf) is not an ISO 8601 instant (e.g. 2026-12-01T03:00:00Z)")
        }
    }

    func databasePath(_ env: CommandEnvironment) -> String {
        db ?? env.variables["TOKEN_ROTATOR_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./token-inventory.sqlite"
    }

    /// The inventory of a read-only command (SPEC §8.2): never created, migrated or locked; exit 2 naming the
    /// path and `migrate` when it is missing or its schema is older than this binary.
    func readOnlyInventory(_ env: CommandEnvironment) throws -> Inventory {
        try Inventory.openReadOnly(path: databasePath(env))
    }

    /// The policy path and whether the user asked for it (flag or environment) rather than the default.
    func policyPath(_ env: CommandEnvironment) -> (path: String, explicit: Bool) {
        if let policy { return (policy, true) }
        if let fromEnvironment = env.variables["TOKEN_ROTATOR_POLICY"], !fromEnvironment.isEmpty {
            return (fromEnvironment, true)
        }
        return ("./rotation-policy.yml", false)
    }

    /// The policy every planning command needs.
    func loadPolicy(_ env: CommandEnvironment) throws -> RotationPolicy {
        try PolicyLoader.load(path: policyPath(env).path)
    }

    /// For `report`: the policy when one was named or the default file exists, else nil.
    func loadOptionalPolicy(_ env: CommandEnvironment) throws -> RotationPolicy? {
        let (path, explicit) = policyPath(env)
        if !explicit && !FileManager.default.fileExists(atPath: path) { return nil }
        return try PolicyLoader.load(path: path)
    }

    /// "Now" for this command: `--as-of` or the environment's clock.
    func now(_ env: CommandEnvironment) -> Date {
        asOf.flatMap(Timestamp.parse) ?? env.now()
    }

    /// The clock of a run that records instants: frozen at `--as-of` when given (SPEC §7), else the wall clock.
    func clock(_ env: CommandEnvironment) -> @Sendable () -> Date {
        if let instant = asOf.flatMap(Timestamp.parse) { return { instant } }
        return env.now
    }

    func liveEnvironment() -> CommandEnvironment {
        CommandEnvironment.live(logFormat: logFormat?.format, logLevel: logLevel.level)
    }
}
