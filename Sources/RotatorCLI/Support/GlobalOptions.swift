import ArgumentParser
import Foundation
import Logging
import RotatorCore

/// Options every command shares. Which value wins is decided here and nowhere else:
/// the flag, then the environment variable, then the default.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The inventory: an SQLite file, created (mode 0600) and migrated on first use by the commands that write "
                + "it, or a postgresql:// URL (no password in it) of an inventory several rotators share.",
            discussion: "Default: $TOKEN_ROTATOR_DB, else ./token-inventory.sqlite", valueName: "path|url"))
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
        help: ArgumentHelp(
            "Log format on stderr: text or json.",
            discussion: "Default: $TOKEN_ROTATOR_LOG_FORMAT, else text on a terminal and json otherwise"))
    var logFormat: LogFormatArgument?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "trace, debug, info, notice, warning, error or critical.",
            discussion: "Default: $TOKEN_ROTATOR_LOG_LEVEL, else info"))
    var logLevel: LogLevelArgument?

    func validate() throws {
        if let asOf, Timestamp.parse(asOf) == nil {
            throw ValidationError("--as-of \(asOf) is not an ISO 8601 instant (e.g. 2026-12-01T03:00:00Z)")
        }
    }

    func databasePath(_ env: CommandEnvironment) -> String {
        db ?? env.variables["TOKEN_ROTATOR_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "./token-inventory.sqlite"
    }

    /// The SQLite file or PostgreSQL database `--db` names.
    func inventoryLocation(_ env: CommandEnvironment) -> InventoryLocation {
        InventoryLocation(databasePath(env))
    }

    /// Runs `body` with the inventory of a read-only command (SPEC §8.2): never created, migrated or locked; exit 2
    /// naming it and `migrate` when it is missing or its schema is older than this binary.
    func withReadOnlyInventory<T>(
        _ env: CommandEnvironment, _ body: (any InventoryDatabase) async throws -> T
    ) async throws -> T {
        try await inventoryLocation(env).openReadOnly(env).closing(body)
    }

    /// Runs `body` with the inventory of a command that writes it (created and migrated if need be).
    func withWritableInventory<T>(
        _ env: CommandEnvironment, _ body: (any InventoryDatabase) async throws -> T
    ) async throws -> T {
        try await inventoryLocation(env).openForWriting(env).closing(body)
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

    /// The log format (nil: decided by whether stderr is a terminal) and level: the flag, then
    /// `$TOKEN_ROTATOR_LOG_FORMAT` / `$TOKEN_ROTATOR_LOG_LEVEL`, then the default. An invalid variable is a
    /// configuration error naming it.
    func logOptions(variables: [String: String]) throws -> (format: LogFormat?, level: Logger.Level) {
        func fromVariable<T>(_ name: String, _ parse: (String) -> T?, allowed: [String]) throws -> T? {
            guard let text = variables[name], !text.isEmpty else { return nil }
            guard let value = parse(text) else {
                throw ValidationError("\(name)=\(text) is not one of \(allowed.joined(separator: ", "))")
            }
            return value
        }
        let format =
            try logFormat?.format
            ?? fromVariable(
                "TOKEN_ROTATOR_LOG_FORMAT", LogFormat.init(rawValue:), allowed: LogFormatArgument.allValueStrings)
        let level =
            try logLevel?.level
            ?? fromVariable(
                "TOKEN_ROTATOR_LOG_LEVEL", Logger.Level.init(rawValue:), allowed: LogLevelArgument.allValueStrings)
            ?? .info
        return (format, level)
    }

    func liveEnvironment() throws -> CommandEnvironment {
        let options = try logOptions(variables: ProcessInfo.processInfo.environment)
        return CommandEnvironment.live(logFormat: options.format, logLevel: options.level)
    }
}
