import Foundation
import Logging
import RotatorCore
import Testing

@testable import TokenSinks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// token-rotator ignores SIGPIPE (a sink that exits early must not kill it) and, during a run, SIGTERM and
/// SIGINT; sink commands must not inherit that (SPEC §8.12).
@Suite("Command sink: signals and process groups", .serialized)
struct CommandSignalTests {
    static func invocation(_ argv: [String], timeout: Duration = .seconds(10), killGrace: Duration = .seconds(2))
        -> CommandRunner.Invocation
    {
        CommandRunner.Invocation(
            executable: argv[0], command: argv[0], arguments: Array(argv.dropFirst()),
            environment: ["PATH": "/usr/bin:/bin"], input: [], timeout: timeout, killGrace: killGrace)
    }

    @Test("a sink command starts with no standard signal ignored and none blocked")
    func defaultDispositions() async throws {
        // What a rotate run does to itself (InterruptFlag, and CommandRunner for SIGPIPE).
        signal(SIGTERM, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let outcome = try await CommandRunner.run(
            Self.invocation(["/bin/grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"]))
        #expect(outcome.termination == .exited(0))
        let lines = outcome.standardOutput.lines(redacting: "")
        let masks = Dictionary(
            uniqueKeysWithValues: lines.compactMap { line -> (String, UInt64)? in
                let parts = line.split(separator: "\t")
                guard parts.count == 2, let mask = UInt64(parts[1], radix: 16) else { return nil }
                return (String(parts[0]), mask)
            })
        #expect(masks["SigBlk:"] == 0, "\(lines)")
        // Signals 1–31; glibc's posix_spawn itself leaves its two internal real-time signals (32, 33) ignored.
        #expect(masks["SigIgn:"].map { $0 & 0x7fff_ffff } == 0, "\(lines)")
    }

    @Test("the timeout's SIGTERM ends a program although token-rotator ignores SIGTERM")
    func timeoutTerminatesDespiteIgnoredTerm() async throws {
        signal(SIGTERM, SIG_IGN)
        let started = ContinuousClock.now
        let outcome = try await CommandRunner.run(
            Self.invocation(["/bin/sleep", "30"], timeout: .milliseconds(300), killGrace: .seconds(20)))
        #expect(outcome.timedOut)
        #expect(outcome.termination == .signalled(SIGTERM))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a sink command leads its own process group and is listed while it runs")
    func ownProcessGroup() async throws {
        let task = Task {
            try await CommandRunner.run(Self.invocation(["/bin/sh", "-c", "ps -o pgid= -p $$; sleep 0.5"]))
        }
        var running: Set<pid_t> = []
        for _ in 0..<200 where running.isEmpty {
            running = SinkProcessGroups.shared.running
            try await Task.sleep(for: .milliseconds(5))
        }
        let outcome = try await task.value
        let group = outcome.standardOutput.lines(redacting: "").first?.trimmingCharacters(in: .whitespaces)
        #expect(outcome.termination == .exited(0))
        #expect(group.flatMap { pid_t($0) }.map { running.contains($0) } == true, "\(String(describing: group))")
        #expect(group != String(getpgrp()))
        #expect(!SinkProcessGroups.shared.running.contains(pid_t(group ?? "") ?? 0))
    }

    @Test("a program that cannot be started is a launch failure naming the command")
    func launchFailure() async throws {
        await #expect(throws: SinkError.self) {
            _ = try await CommandRunner.run(Self.invocation(["/nonexistent/program"]))
        }
    }
}
