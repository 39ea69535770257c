import Foundation
import Logging
import RotatorCLI
import RotatorCore
import Testing

/// The built `token-rotator` (or `jenkins-sim`), next to this test bundle in .build/<configuration>/.
func builtExecutable(_ name: String) -> String {
    URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent(name).path
}

/// Runs a built executable with `environment` added to this process's; stdout goes to `stdout` (a closed pipe
/// by default, whose reader is gone before anything is written). Returns the exit status and stderr.
func runBuilt(
    _ arguments: [String], environment: [String: String] = [:], stdoutToClosedPipe: Bool = false
) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: builtExecutable("token-rotator"))
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    if stdoutToClosedPipe { try output.fileHandleForReading.close() }
    let errorText = errors.fileHandleForReading.readDataToEndOfFile()
    let outputText = stdoutToClosedPipe ? Data() : output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outputText, as: UTF8.self),
        String(decoding: errorText, as: UTF8.self)
    )
}

/// SPEC §8.2: exit codes once tokens changed, output that cannot be written, and the log variables.
@Suite("Exit codes and output failures")
struct ExitCodeTests {
    @Test("a metrics file that can never be written is refused before the run: exit 2 and no token touched")
    func metricsFileRefusedUpFront() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        _ = try scenario.world.write("a file, not a folder", to: "not-a-folder")
        let before = try scenario.world.databaseDump()
        let result = await scenario.world.run(["rotate", "--metrics-file", scenario.world.path("not-a-folder/m.prom")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--metrics-file"), "\(result.stderr)")
        #expect(try scenario.world.databaseDump() == before)
        #expect(scenario.sinkValue(scenario.tokens[0]) == scenario.tokens[0].value)
    }

    @Test("a metrics file that fails after tokens were rotated is exit 1, never 2, and says why")
    func metricsFileFailsAfterTheRun() async throws {
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        // A folder where the file should be: the up-front check passes, the final rename fails.
        let target = scenario.world.path("metrics/token_rotator.prom")
        try FileManager.default.createDirectory(atPath: target + "/in-the-way", withIntermediateDirectories: true)
        let result = await scenario.world.run(["rotate", "--metrics-file", target])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("metrics file could not be written"), "\(result.stderr)")
        #expect(result.stdout.contains("1 rotated"), "\(result.stdout)")
        #expect(scenario.sinkValue(scenario.tokens[0]) != scenario.tokens[0].value)
    }

    @Test("standard output that cannot be written (a full device) is a non-zero exit with a message")
    func fullStandardOutput() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        let descriptor = open("/dev/full", O_WRONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let stdout = FileDescriptorOutput(descriptor: descriptor)
        let stderr = BufferOutput()
        let env = CommandEnvironment(
            now: { world.now ?? Date() }, variables: [:], stdout: stdout, stderr: stderr,
            logger: .init(label: "test"))
        let status = await TokenRotatorMain.execute(
            ["report", "--format", "json", "--db", world.database, "--policy", world.policyPath], in: env)
        #expect(status == 2)
        #expect(stderr.text.contains("cannot write standard output"), "\(stderr.text)")
        #expect(stdout.writeFailure != nil)
    }

    @Test("a reader that goes away (EPIPE) makes the real executable exit non-zero, not die of SIGPIPE")
    func brokenPipe() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        // Enough rows to overflow the pipe buffer even if the reader closed late.
        var csv = "controller,user,name,uuid,created\n"
        for index in 0..<2_000 {
            csv += "ci-main,user\(index),n,\(UUID().uuidString.lowercased()),2026-01-05T00:00:00Z\n"
        }
        let file = try world.write(csv, to: "many.csv")
        #expect(await world.run(["inventory", "import", file]).status == 0)
        let result = try runBuilt(
            ["report", "--format", "csv", "--db", world.database, "--policy", world.policyPath],
            stdoutToClosedPipe: true)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write standard output (Broken pipe)"), "\(result.stderr)")
    }

    @Test("report --output into a folder that cannot exist is a non-zero exit naming the path")
    func unwritableOutput() async throws {
        let world = try await OfflineCommandTests.seededWorld()
        _ = try world.write("a file", to: "plain-file")
        let target = world.path("plain-file/report.json")
        let result = await world.run(["report", "--format", "json", "--output", target])
        #expect(result.status == 2)
        #expect(result.stderr.contains(target), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("TOKEN_ROTATOR_LOG_FORMAT and TOKEN_ROTATOR_LOG_LEVEL set the log options; a flag wins")
    func logVariables() async throws {
        let world = try TestWorld()
        try world.writePolicy(OfflineCommandTests.policy)
        // An empty rotate whose metrics file fails at the end logs exactly one error line.
        try FileManager.default.createDirectory(atPath: world.path("m.prom/x"), withIntermediateDirectories: true)
        let arguments = [
            "rotate", "--db", world.database, "--policy", world.policyPath, "--metrics-file", world.path("m.prom"),
        ]
        let secrets = ["CI_MAIN_ADMIN_TOKEN": "unused", "CI_EDGE_ADMIN_TOKEN": "unused"]
        func run(_ extra: [String] = [], _ variables: [String: String]) throws -> (Int32, String, String) {
            try runBuilt(arguments + extra, environment: variables.merging(secrets) { $1 })
        }
        let json = try run([], ["TOKEN_ROTATOR_LOG_FORMAT": "json"])
        #expect(json.0 == 1, "\(json.2)")
        let line = try #require(json.2.split(separator: "\n").first { $0.contains("metrics file") })
        #expect(line.hasPrefix("{\"time\":"), "\(line)")
        let text = try run(["--log-format", "text"], ["TOKEN_ROTATOR_LOG_FORMAT": "json"])
        #expect(text.2.contains(" ERROR the metrics file"), "\(text.2)")
        let quiet = try run([], ["TOKEN_ROTATOR_LOG_LEVEL": "critical"])
        #expect(quiet.0 == 1)
        #expect(!quiet.2.contains("metrics file"), "\(quiet.2)")
        let loud = try run(["--log-level", "error"], ["TOKEN_ROTATOR_LOG_LEVEL": "critical"])
        #expect(loud.2.contains("metrics file"), "\(loud.2)")
        let bad = try run([], ["TOKEN_ROTATOR_LOG_LEVEL": "verbose"])
        #expect(bad.0 == 2)
        #expect(bad.2.contains("TOKEN_ROTATOR_LOG_LEVEL=verbose"), "\(bad.2)")
    }
}
