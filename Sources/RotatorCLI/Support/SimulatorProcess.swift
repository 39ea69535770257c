import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `jenkins-sim` child process for `demo`: token-rotator, the binary that handles credentials, links no
/// HTTP server. The simulator prints its base URL as its first stdout line and stops on SIGTERM.
struct SimulatorProcess {
    /// The variable that names the simulator executable; by default it is `jenkins-sim` next to this one.
    static let pathVariable = "TOKEN_ROTATOR_JENKINS_SIM"

    let process: Process
    let baseURL: URL
    /// The write end of the simulator's stdin, never written: when this process ends, however it ends, the
    /// kernel closes it and the simulator (`--stop-on-stdin-eof`) stops too: no orphan keeps the port.
    let lifeline: FileHandle?

    var processID: Int32 { process.processIdentifier }

    /// `$TOKEN_ROTATOR_JENKINS_SIM`, else `jenkins-sim` in the folder of the running executable (found through
    /// `/proc/self/exe` on Linux, so a symlink such as /usr/local/bin/token-rotator resolves to the real one).
    static func executablePath(variables: [String: String]) -> String {
        if let configured = variables[pathVariable], !configured.isEmpty { return configured }
        let procSelf = URL(fileURLWithPath: "/proc/self/exe")
        let running =
            FileManager.default.fileExists(atPath: procSelf.path)
            ? procSelf.resolvingSymlinksInPath() : Bundle.main.executableURL?.resolvingSymlinksInPath()
        let folder = running?.deletingLastPathComponent().path ?? FileManager.default.currentDirectoryPath
        return folder + "/jenkins-sim"
    }

    /// Starts the simulator and waits (up to `timeout`) for the URL line; its stderr goes to `logPath`.
    static func start(
        executable: String, arguments: [String], logPath: String, timeout: Duration = .seconds(30)
    ) async throws -> SimulatorProcess {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw DemoError.simulatorMissing(path: executable)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["--stop-on-stdin-eof"]
        let output = Pipe()
        process.standardOutput = output
        let lifeline = Pipe()
        process.standardInput = lifeline
        // A log that cannot be created falls back to /dev/null on the next line.
        _ = FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
        process.standardError = FileHandle(forWritingAtPath: logPath) ?? FileHandle.nullDevice
        do {
            try process.run()
            try lifeline.fileHandleForReading.close()
        } catch {
            throw DemoError.simulatorFailed(path: executable, reason: "\(error)", log: "")
        }
        let reader = output.fileHandleForReading
        let timer = DispatchWorkItem { [process] in if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(timeout.components.seconds)), execute: timer)
        let line = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.readLine(from: reader)) }
        }
        timer.cancel()
        guard let line, let url = URL(string: line), url.scheme != nil else {
            SimulatorProcess(process: process, baseURL: URL(fileURLWithPath: "/"), lifeline: nil).stop()
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw DemoError.simulatorFailed(
                path: executable,
                reason: "it printed no URL (exit status \(process.terminationStatus))", log: String(log.suffix(2_000)))
        }
        return SimulatorProcess(process: process, baseURL: url, lifeline: lifeline.fileHandleForWriting)
    }

    /// The bytes up to the first newline; nil at end of file before one.
    private static func readLine(from handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(handle.fileDescriptor, &byte, 1)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// SIGTERM, then SIGKILL if it has not stopped within `grace`; returns once it is gone.
    func stop(grace: Duration = .seconds(5)) {
        guard process.isRunning else { return }
        kill(processID, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(processID, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Why the demo could not start its simulator.
enum DemoError: Error, CustomStringConvertible {
    case simulatorMissing(path: String)
    /// `log`: the end of the simulator's stderr.
    case simulatorFailed(path: String, reason: String, log: String)

    var description: String {
        switch self {
        case .simulatorMissing(let path):
            "demo needs the jenkins-sim executable, which is not at \(path): build it with `swift build` "
                + "(every product) or `swift build --product jenkins-sim`, or set "
                + "\(SimulatorProcess.pathVariable) to its path"
        case .simulatorFailed(let path, let reason, let log):
            "demo could not start \(path): \(reason)" + (log.isEmpty ? "" : "; it said: \(log)")
        }
    }
}
