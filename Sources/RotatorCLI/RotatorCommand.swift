import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import RotatorCore

/// The `token-rotator` command: rotates Jenkins API tokens by policy.
public struct RotatorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token-rotator",
        abstract: "Keep Jenkins API tokens fresh: inventory, audit, rotate and report.",
        discussion: """
            Exit codes: 0 success; 1 at least one token operation failed; 2 usage or configuration error \
            (nothing changed); 3 another run holds the inventory lock; 4 (audit, report) a managed token is \
            past its maximum age.
            """,
        version: TokenRotatorVersion.current,
        subcommands: [
            Rotate.self, Audit.self, Check.self, Report.self, History.self, InventoryCommand.self, Issue.self,
            Revoke.self, Reconcile.self, Migrate.self, Demo.self,
        ]
    )

    public init() {}
}

/// The executable's single entry point. Maps every failure onto the exit codes of SPEC §2:
/// argument errors are usage errors (2), not ArgumentParser's default 64.
public enum TokenRotatorMain {
    /// The executable's entry point; never returns. Runs ``run()`` with Swift concurrency on one NIO event loop,
    /// the one the HTTP client uses: a Jenkins response then resumes its rotation on the thread that read it
    /// instead of waking another one (a wake-up costs about 15 µs of CPU on a small VM, and a rotation makes four
    /// requests). One loop is plenty for a batch job whose requests are capped per controller. Work that blocks
    /// (SQLite commits, fsync, sink commands) runs on dedicated threads, never on the loop.
    public static func start() -> Never {
        // Before anything reads a secret: no core dumps, not dumpable.
        ProcessHardening.apply()
        // Both must happen on the main thread before any task starts.
        // A reader that goes away (`token-rotator report | head`) must be an error this process reports with its
        // exit code, not a signal that kills a rotation halfway (SPEC §8.2).
        signal(SIGPIPE, SIG_IGN)
        NIOSingletons.groupLoopCountSuggestion = 1
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Task { await run() }
        dispatchMain()
    }

    /// Parses the command line, runs the command and exits with its status.
    public static func run() async -> Never {
        var status: Int32
        do {
            var command = try RotatorCommand.parseAsRoot()
            if let leaf = command as? any EnvironmentCommand {
                status = await execute(leaf, in: try leaf.global.liveEnvironment())
            } else {
                try command.run()
                status = ExitStatus.success.rawValue
            }
        } catch {
            let env = CommandEnvironment.live(logFormat: nil, logLevel: .info)
            status = report(error, to: env)
        }
        FileDescriptorOutput.standardOutput.flush()
        if status == 0, let failure = FileDescriptorOutput.standardOutput.writeFailure {
            FileDescriptorOutput.standardError.write(
                "token-rotator: error: cannot write standard output (\(failure))\n")
            status = ExitStatus.usage.rawValue
        }
        FileDescriptorOutput.standardError.flush()
        exit(status)
    }

    static func isArgumentParserError(_ error: any Error) -> Bool {
        error is ValidationError || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
