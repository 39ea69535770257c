import Foundation
import Logging
import RotatorCore
import RotatorTestSupport
import Testing
import TokenSinks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sink runs no shell; the programs these tests run happen to be small /bin/sh scripts.
@Suite("Command sink")
struct CommandSinkTests {
    static let value = "11aa22bb33cc44dd55ee66ff77889900"

    /// Writes an executable script into `folder/bin` and returns its path.
    func script(_ folder: String, _ name: String, _ body: String) throws -> String {
        let bin = folder + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let path = bin + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        guard chmod(path, 0o755) == 0 else { throw TestFailure("chmod \(path)") }
        return path
    }

    func makeSink(
        _ argv: [String], timeout: Duration = .seconds(20), scrubbed: Set<String> = [],
        environment: [String: String] = ["PATH": "/usr/bin:/bin"], killGrace: Duration = .seconds(2),
        recorder: LogRecorder = LogRecorder()
    ) -> CommandSink {
        CommandSink(
            argv: argv, timeout: timeout, scrubbedVariables: scrubbed, baseEnvironment: environment,
            killGrace: killGrace, logger: recorder.logger())
    }

    static let dumpScript = """
        out="$1"
        cat > "$out/stdin"
        for argument in "$0" "$@"; do printf '%s\\n' "$argument"; done > "$out/argv"
        env > "$out/env"
        """

    @Test("the value arrives on stdin only; argv and environment carry metadata, never the value")
    func valueOnStdinOnly() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(folder, "dump", Self.dumpScript)
            let environment = [
                "PATH": "/usr/bin:/bin", "JENKINS_ADMIN_TOKEN": "admin-secret", "KEEP_ME": "yes",
                "LEAKY": "prefix-\(Self.value)",
            ]
            let sink = makeSink(
                [program, folder, "ci-main", "alice"], scrubbed: ["JENKINS_ADMIN_TOKEN"], environment: environment)
            try await sink.deliver(sampleDelivery())

            #expect(try contents(folder + "/stdin") == Self.value + "\n")
            let argv = try contents(folder + "/argv")
            #expect(argv == "\(program)\n\(folder)\nci-main\nalice\n")
            let env = try contents(folder + "/env")
            #expect(!argv.contains(Self.value))
            #expect(!env.contains(Self.value))
            let lines = Set(env.split(separator: "\n").map(String.init))
            for expected in [
                "TOKEN_ROTATOR_CONTROLLER=ci-main", "TOKEN_ROTATOR_URL=https://jenkins.example.com/",
                "TOKEN_ROTATOR_USER=alice", "TOKEN_ROTATOR_TOKEN_NAME=ci",
                "TOKEN_ROTATOR_TOKEN_UUID=0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", "TOKEN_ROTATOR_OLD_UUID=old-uuid-1",
                "KEEP_ME=yes",
            ] {
                #expect(lines.contains(expected), "missing \(expected)")
            }
            #expect(!env.contains("JENKINS_ADMIN_TOKEN"))
            #expect(!env.contains("admin-secret"))
            #expect(!env.contains("LEAKY="))
        }
    }

    @Test("a bare program name is found through PATH, and a first issue has an empty old uuid")
    func pathLookup() async throws {
        try await withTemporaryFolder { folder in
            _ = try script(folder, "push-secret", Self.dumpScript)
            let sink = makeSink(
                ["push-secret", folder], environment: ["PATH": "relative:" + folder + "/bin:/usr/bin:/bin"])
            try await sink.deliver(sampleDelivery(oldUUID: nil))
            #expect(try contents(folder + "/stdin") == Self.value + "\n")
            let env = try contents(folder + "/env").split(separator: "\n")
            #expect(env.contains("TOKEN_ROTATOR_OLD_UUID="))
        }
    }

    @Test("a non-zero exit fails the delivery, naming the command and status")
    func nonZeroExit() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(folder, "refuse", "cat > /dev/null\necho 'vault: permission denied' >&2\nexit 3")
            let recorder = LogRecorder()
            let error = await #expect(throws: SinkError.self) {
                try await makeSink([program], recorder: recorder).deliver(sampleDelivery())
            }
            guard case .commandFailed(let command, let status)? = error else {
                Issue.record("expected commandFailed, got \(String(describing: error))")
                return
            }
            #expect(command == program)
            #expect(status == 3)
            #expect("\(error!)".contains("exited with status 3"))
            #expect(recorder.entries.contains { $0.message == "vault: permission denied" && $0.level == .info })
        }
    }

    @Test("a command that never reads stdin still succeeds on exit 0")
    func ignoresStdin() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(folder, "quick", "exit 0")
            try await makeSink([program]).deliver(sampleDelivery())
        }
    }

    @Test("a command killed by a signal fails the delivery")
    func killedBySignal() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(folder, "crash", "kill -9 $$")
            let error = await #expect(throws: SinkError.self) {
                try await makeSink([program]).deliver(sampleDelivery())
            }
            guard case .commandKilled(_, let signal)? = error else {
                Issue.record("expected commandKilled, got \(String(describing: error))")
                return
            }
            #expect(signal == SIGKILL)
        }
    }

    @Test("a command past its timeout is terminated with its children, and the delivery fails")
    func timeout() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(
                folder, "hang", "echo $$ > \"$1/pid\"\nsleep 30 &\necho $! > \"$1/child\"\nwait")
            let started = ContinuousClock.now
            let error = await #expect(throws: SinkError.self) {
                try await makeSink([program, folder], timeout: .milliseconds(500)).deliver(sampleDelivery())
            }
            #expect(ContinuousClock.now - started < .seconds(15))
            guard case .commandTimedOut(let command, _)? = error else {
                Issue.record("expected commandTimedOut, got \(String(describing: error))")
                return
            }
            #expect(command == program)
            // On a loaded machine the timeout may strike before the script wrote these files.
            for file in ["pid", "child"] {
                guard
                    let pid = try? Int32(contents(folder + "/" + file).trimmingCharacters(in: .whitespacesAndNewlines))
                else { continue }
                #expect(try await isGone(pid), "\(file) \(pid) still runs")
            }
        }
    }

    @Test("a command that ignores SIGTERM is killed after the grace period")
    func ignoresTerminate() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(folder, "stubborn", "trap '' TERM\necho $$ > \"$1/pid\"\nsleep 30")
            let started = ContinuousClock.now
            await #expect(throws: SinkError.self) {
                try await makeSink([program, folder], timeout: .milliseconds(300), killGrace: .milliseconds(300))
                    .deliver(sampleDelivery())
            }
            #expect(ContinuousClock.now - started < .seconds(15))
            if let pid = try? Int32(contents(folder + "/pid").trimmingCharacters(in: .whitespacesAndNewlines)) {
                #expect(try await isGone(pid))
            }
        }
    }

    @Test("a missing program is a clear error", arguments: ["/nonexistent/push-secret", "no-such-push-secret"])
    func missingExecutable(command: String) async throws {
        try await withTemporaryFolder { folder in
            let error = await #expect(throws: SinkError.self) {
                try await makeSink([command], environment: ["PATH": folder]).deliver(sampleDelivery())
            }
            guard case .executableNotFound(let name, _)? = error else {
                Issue.record("expected executableNotFound, got \(String(describing: error))")
                return
            }
            #expect(name == command)
            #expect("\(error!)".contains(command))
        }
    }

    @Test("a file that is not executable is not run")
    func notExecutable() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(folder, "plain", "exit 0")
            #expect(chmod(program, 0o644) == 0)
            await #expect(throws: SinkError.self) {
                try await makeSink([program]).deliver(sampleDelivery())
            }
        }
    }

    @Test("an empty command and a value in argv are refused before anything runs")
    func refusedArgv() async throws {
        await #expect(throws: SinkError.self) {
            try await makeSink([]).deliver(sampleDelivery())
        }
        let error = await #expect(throws: SinkError.self) {
            try await makeSink(["/bin/true", "x\(Self.value)"]).deliver(sampleDelivery())
        }
        #expect(error.map { "\($0)" }?.contains(Self.value) == false)
    }

    @Test("output is logged line by line, stdout at debug and stderr at info, with the value redacted")
    func outputRedacted() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(
                folder, "chatty",
                "value=$(cat)\necho \"stored $value for $TOKEN_ROTATOR_USER\"\necho \"warn: $value\" >&2")
            let recorder = LogRecorder()
            try await makeSink([program], recorder: recorder).deliver(sampleDelivery())
            let entries = recorder.entries
            #expect(entries.contains { $0.message == "stored *** for alice" && $0.level == .debug })
            #expect(entries.contains { $0.message == "warn: ***" && $0.level == .info })
            #expect(entries.contains { $0.metadata["stream"] == "stderr" })
            #expect(!recorder.allText.contains(Self.value))
        }
    }

    @Test("only the last 4 KiB of output are kept, without a partial first line")
    func outputBounded() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(
                folder, "flood", "i=0\nwhile [ $i -lt 3000 ]; do echo \"line $i\"; i=$((i+1)); done")
            let recorder = LogRecorder()
            try await makeSink([program], recorder: recorder).deliver(sampleDelivery())
            let lines = recorder.entries.filter { $0.metadata["stream"] == "stdout" }.map(\.message)
            #expect(lines.first?.hasPrefix("(earlier output dropped") == true)
            #expect(lines.last == "line 2999")
            #expect(!lines.contains("line 0"))
            #expect(lines.count < 500)
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("line ") })
        }
    }

    @Test("many command sinks run at once, each with its own value")
    func concurrent() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(folder, "slow", "sleep 0.2\ncat > \"$1/stdin-$2\"")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<12 {
                    let sink = makeSink([program, folder, "\(index)"])
                    group.addTask { try await sink.deliver(sampleDelivery(value: "value-\(index)")) }
                }
                try await group.waitForAll()
            }
            for index in 0..<12 {
                #expect(try contents(folder + "/stdin-\(index)") == "value-\(index)\n")
            }
        }
    }

    @Test("control characters a command prints never reach the log; its text does")
    func controlCharactersReplaced() async throws {
        try await withTemporaryFolder { folder in
            let program = try script(
                folder, "noisy",
                #"cat > /dev/null; printf 'ok\033[2J\033]0;title\007 done\r\nbell\b\001x\342\200\256gnp.exe\n' >&2"#)
            let recorder = LogRecorder()
            try await makeSink([program], recorder: recorder).deliver(sampleDelivery())
            let messages = recorder.entries.filter { $0.level == .info }.map(\.message)
            #expect(messages == ["ok\u{FFFD}[2J\u{FFFD}]0;title\u{FFFD} done", "bell\u{FFFD}\u{FFFD}x\u{FFFD}gnp.exe"])
            for message in messages {
                #expect(
                    !message.unicodeScalars.contains {
                        $0.properties.generalCategory == .control || $0.value == 0x202E
                    })
            }
        }
    }

    @Test("the description shows the command, not the value")
    func description() {
        let sink = makeSink(["/usr/local/bin/push-secret", "ci-main", "two words"])
        #expect(sink.description == "command /usr/local/bin/push-secret ci-main \"two words\"")
    }

    /// True once `pid` has exited (gone, or a zombie nobody reaped yet). Polls briefly: the kernel
    /// may take a moment to deliver SIGKILL to a child that was just reparented.
    func isGone(_ pid: Int32) async throws -> Bool {
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // The state follows the parenthesised command name.
            if let close = stat.lastIndex(of: ")"), stat[close...].dropFirst(2).first == "Z" { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
