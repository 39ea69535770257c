import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one program without a shell: feeds it bytes on stdin, keeps the tail of its output, and
/// ends it (SIGTERM, then SIGKILL after a grace) when it outlives its timeout.
///
/// The child starts in a process group of its own (so the signals reach whatever the program started too,
/// and a second SIGTERM to token-rotator can end the whole group), with every signal at its default
/// disposition and none blocked: token-rotator ignores SIGPIPE, SIGTERM and SIGINT, and a child that
/// inherited that would shrug off the timeout's SIGTERM and break shell pipelines. The waiting happens on a
/// Dispatch thread, off the cooperative pool.
enum CommandRunner {
    struct Invocation: Sendable {
        /// The resolved path of the program.
        var executable: String
        /// `argv[0]` as the policy wrote it, for messages.
        var command: String
        var arguments: [String]
        var environment: [String: String]
        var input: [UInt8]
        var timeout: Duration
        var killGrace: Duration
        /// Bytes of stdout and of stderr kept, each.
        var outputLimit: Int = 4096
    }

    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    struct Outcome: Sendable {
        var termination: Termination
        /// The timeout passed and the program was told to stop.
        var timedOut: Bool
        var standardOutput: OutputTail
        var standardError: OutputTail
    }

    /// Throws the sink error for a timeout, a non-zero exit or a signal; returns on exit status 0.
    static func requireSuccess(_ outcome: Outcome, command: String, timeout: Duration) throws {
        if outcome.timedOut { throw SinkError.commandTimedOut(command: command, timeout: timeout) }
        switch outcome.termination {
        case .exited(0): return
        case .exited(let status): throw SinkError.commandFailed(command: command, exitCode: status)
        case .signalled(let signal): throw SinkError.commandKilled(command: command, signal: signal)
        }
    }

    static func run(_ invocation: Invocation) async throws -> Outcome {
        try await BlockingWork.run { try runBlocking(invocation) }
    }

    /// How long to keep reading output after the program exited: a background child it left
    /// behind may hold the pipes open forever.
    private static let drainLimit: Duration = .seconds(1)
    private static let pollInterval: Int32 = 50

    private static func runBlocking(_ invocation: Invocation) throws -> Outcome {
        _ = BrokenPipeSignal.ignored
        var attempt = 0
        var child: SpawnedChild?
        while child == nil {
            do {
                child = try SpawnedChild.spawn(invocation)
            } catch let code as SpawnError {
                // ETXTBSY: another thread's fork still holds the program open for writing (it was just
                // installed or replaced); that passes within milliseconds, so try again briefly.
                attempt += 1
                if attempt < 5, code.errno == ETXTBSY {
                    usleep(20_000)
                    continue
                }
                throw SinkError.launchFailed(command: invocation.command, reason: errnoDescription(code.errno))
            }
        }
        var process = child!
        let processID = process.processID
        SinkProcessGroups.shared.insert(processID)
        defer { SinkProcessGroups.shared.remove(processID) }

        // The value fits in the pipe's buffer, so this cannot block; a program that exits without
        // reading makes it fail with EPIPE, which is its own business (its exit status decides).
        feed(invocation.input, to: process.input)
        close(process.input)

        var streams = [
            CapturedStream(descriptor: process.output, tail: OutputTail(limit: invocation.outputLimit)),
            CapturedStream(descriptor: process.errors, tail: OutputTail(limit: invocation.outputLimit)),
        ]
        for stream in streams { setNonBlocking(stream.descriptor) }

        let clock = ContinuousClock()
        let deadline = clock.now + invocation.timeout
        var terminatedAt: ContinuousClock.Instant?
        var killed = false
        var exitedAt: ContinuousClock.Instant?
        while true {
            let streamsClosed = streams.allSatisfy(\.isClosed)
            if exitedAt == nil {
                if process.reap() {
                    exitedAt = clock.now
                } else if streamsClosed {
                    // With nothing left to poll, wait for the exit itself instead.
                    usleep(useconds_t(pollInterval) * 1000)
                    if process.reap() { exitedAt = clock.now }
                }
            }
            let now = clock.now
            if let exitedAt {
                if streamsClosed || now >= exitedAt + drainLimit { break }
            } else if terminatedAt == nil, now >= deadline {
                signalGroup(processID, SIGTERM)
                terminatedAt = now
            } else if let terminatedAt, !killed, now >= terminatedAt + invocation.killGrace {
                signalGroup(processID, SIGKILL)
                killed = true
            }
            if !streamsClosed {
                pollAndRead(&streams)
            }
        }
        if terminatedAt != nil {
            // Whatever the program left behind in its group goes too. The group id cannot have been
            // reused while members remain, and the leader is reaped: never signal its bare pid now.
            _ = kill(-processID, SIGKILL)
        }
        close(process.output)
        close(process.errors)
        return Outcome(
            termination: process.termination ?? .signalled(SIGKILL), timedOut: terminatedAt != nil,
            standardOutput: streams[0].tail, standardError: streams[1].tail)
    }

    private struct CapturedStream {
        var descriptor: Int32
        var tail: OutputTail
        var isClosed = false
    }

    private static func pollAndRead(_ streams: inout [CapturedStream]) {
        let open = streams.indices.filter { !streams[$0].isClosed }
        var descriptors = open.map { pollfd(fd: streams[$0].descriptor, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&descriptors, nfds_t(descriptors.count), pollInterval)
        guard ready > 0 else { return }
        for (position, index) in open.enumerated() where descriptors[position].revents != 0 {
            streams[index].isClosed = !drain(&streams[index])
        }
    }

    /// Reads what is available; returns false once the stream reached its end.
    private static func drain(_ stream: inout CapturedStream) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(stream.descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                stream.tail.append(buffer[0..<count])
                continue
            }
            if count == 0 { return false }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return true
            default: return false
            }
        }
    }

    private static func feed(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    private static func setNonBlocking(_ descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
    }

    /// The child leads its own process group (spawned with POSIX_SPAWN_SETPGROUP); should the group be gone,
    /// signal the child alone. Only called while the child has not been reaped.
    private static func signalGroup(_ processID: Int32, _ signal: Int32) {
        if kill(-processID, signal) != 0, errno == ESRCH {
            _ = kill(processID, signal)
        }
    }
}

/// A write to the stdin of a program that already exited raises SIGPIPE, whose default action
/// would end token-rotator in the middle of a rotation. Ignoring it turns that into EPIPE.
private enum BrokenPipeSignal {
    static let ignored: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}
