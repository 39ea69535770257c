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
            "The SQLite inventory; created (mode 0600) and migrated on first use.",
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

struct LogFormatArgument: ExpressibleByArgument {
    var format: LogFormat
    init?(argument: String) {
        guard let format = LogFormat(rawValue: argument) else { return nil }
        self.format = format
    }
    static var allValueStrings: [String] { LogFormat.allCases.map(\.rawValue) }
}

struct LogLevelArgument: ExpressibleByArgument {
    var level: Logger.Level
    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument) else { return nil }
        self.level = level
    }
    init(_ level: Logger.Level) {
        self.level = level
    }
    static let info = LogLevelArgument(.info)
    var defaultValueDescription: String { level.rawValue }
    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}

extension RowFormat: ExpressibleByArgument {}

/// `--format` for commands that print records.
struct RowFormatOption: ParsableArguments {
    @Option(help: "Output format: table, json or csv.")
    var format: RowFormat = .table
}

/// `--controller`, `--user`, `--name`: which tokens a command looks at.
struct TokenFilterOptions: ParsableArguments {
    @Option(name: .customLong("controller"), help: "Only tokens of this controller (repeatable).")
    var controllers: [String] = []

    @Option(help: ArgumentHelp("Only users matching this glob.", valueName: "glob"))
    var user: String?

    @Option(help: ArgumentHelp("Only token names matching this glob.", valueName: "glob"))
    var name: String?

    var filter: TokenFilter {
        TokenFilter(controllers: Set(controllers), user: user.map(Glob.init), name: name.map(Glob.init))
    }
}

/// What every command that changes tokens starts from: the policy, the inventory's run lock (exit 3 when
/// another run holds it), and the inventory itself. The lock is held until ``release()`` or deinit.
struct LockedInventory {
    var policy: RotationPolicy
    var lock: InventoryLock
    var inventory: Inventory

    init(_ global: GlobalOptions, _ env: CommandEnvironment) throws {
        policy = try global.loadPolicy(env)
        let path = global.databasePath(env)
        lock = try InventoryLock.acquire(forDatabaseAt: path)
        inventory = try Inventory.open(path: path)
    }

    func release() {
        lock.release()
    }
}
