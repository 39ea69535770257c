import Foundation
@_spi(Testing) import InventoryStore
import JenkinsSimulator
import Locking
import Logging
import RotatorCLI
import RotatorCore
import Testing

/// A temporary folder with an inventory, a policy and (optionally) a live jenkins-sim on a random loopback
/// port; runs the real CLI code in-process and captures stdout, stderr and logs.
final class TestWorld: @unchecked Sendable {
    let folder: String
    var variables: [String: String] = [:]
    /// The instant commands see as "now" (nil: the wall clock).
    var now: Date?
    var logFormat: LogFormat = .json
    /// Pretend stderr is a terminal (progress lines are drawn only there).
    var stderrIsTerminal = false
    /// What commands read on standard input (`inventory import -`).
    var standardInput = Data()
    private(set) var simulator: JenkinsSimulator?

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "token-rotator-test-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        folder = base.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    var database: String { folder + "/inventory.sqlite" }
    /// What `--db` names: the SQLite file ``database`` unless a test points it at a PostgreSQL URL.
    var inventoryArgument: String?
    var policyPath: String { folder + "/policy.yml" }

    func path(_ relative: String) -> String { folder + "/" + relative }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `token-rotator <arguments> --db … --policy …`.
    @discardableResult
    func run(_ arguments: [String], withPaths: Bool = true) async -> Outcome {
        let stdout = BufferOutput()
        let stderr = BufferOutput()
        let format = logFormat
        let logger = Logger(label: "test") { label in
            StderrLogHandler(label: label, format: format, level: .trace, output: stderr)
        }
        let fixed = now
        var env = CommandEnvironment(
            now: { fixed ?? Date() }, variables: variables, stdout: stdout, stderr: stderr, logger: logger,
            stderrIsTerminal: stderrIsTerminal)
        let input = LockedValue(standardInput[...])
        env.readStandardInput = { buffer in
            input.withLock { rest in
                let count = min(buffer.count, rest.count)
                buffer.copyBytes(from: rest.prefix(count))
                rest = rest.dropFirst(count)
                return count
            }
        }
        let paths = withPaths ? ["--db", inventoryArgument ?? database, "--policy", policyPath] : []
        let status = await TokenRotatorMain.execute(arguments + paths, in: env)
        return Outcome(status: status, stdout: stdout.text, stderr: stderr.text)
    }

    func writePolicy(_ yaml: String) throws {
        try yaml.write(toFile: policyPath, atomically: true, encoding: .utf8)
    }

    func write(_ text: String, to relative: String, mode: Int = 0o600) throws -> String {
        let target = path(relative)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: target, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        return target
    }

    func read(_ relative: String) -> String? {
        try? String(contentsOfFile: path(relative), encoding: .utf8)
    }

    func inventory() throws -> Inventory {
        try Inventory.open(path: database)
    }

    /// Every row of every table, to prove a failing command changed nothing.
    func databaseDump() throws -> String {
        guard FileManager.default.fileExists(atPath: database) else { return "<no database>" }
        return try inventory().dumpAllRows()
    }

    func startSimulator(_ configuration: SimulatorConfiguration) async throws -> JenkinsSimulator {
        let simulator = try await JenkinsSimulator.start(configuration)
        self.simulator = simulator
        return simulator
    }

    func stop() async {
        await simulator?.stop()
    }
}

/// Random token values of Jenkins' shape: `11` + 32 lowercase hex.
func makeTokenValue() -> String {
    "11" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
}

/// Decodes the JSON document a command printed.
func decodeJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}
