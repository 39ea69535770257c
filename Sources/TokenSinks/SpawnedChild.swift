import CSystemCalls

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `posix_spawn` failed with this `errno`.
struct SpawnError: Error {
    var errno: Int32
}

/// A program started with `posix_spawn`: in a process group of its own, every signal at its default
/// disposition, an empty signal mask, and no descriptor of ours except its three pipes.
struct SpawnedChild {
    let processID: pid_t
    /// The write end of its stdin.
    let input: Int32
    /// The read ends of its stdout and stderr.
    let output: Int32
    let errors: Int32
    /// Set once ``reap()`` saw it end.
    private(set) var termination: CommandRunner.Termination?

    static func spawn(_ invocation: CommandRunner.Invocation) throws -> SpawnedChild {
        var pipes: [[Int32]] = []
        defer { for end in pipes.joined() where end >= 0 { close(end) } }
        for _ in 0..<3 {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { throw SpawnError(errno: errno) }
            pipes.append(ends)
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        // Descriptors another thread opened without O_CLOEXEC must not leak into the program either.
        _ = token_rotator_spawn_closefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ([invocation.command] + invocation.arguments).map { strdup($0) }
        let envp = invocation.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer { for pointer in argv + envp { free(pointer) } }
        var processID: pid_t = 0
        let result = invocation.executable.withCString { path in
            posix_spawn(&processID, path, &actions, &attributes, argv + [nil], envp + [nil])
        }
        guard result == 0 else { throw SpawnError(errno: result) }
        let child = SpawnedChild(
            processID: processID, input: pipes[0][1], output: pipes[1][0], errors: pipes[2][0], termination: nil)
        // Ours now; the child's ends close with the defer above.
        pipes[0][1] = -1
        pipes[1][0] = -1
        pipes[2][0] = -1
        return child
    }

    /// Collects the child's exit status if it has ended; true once it has.
    mutating func reap() -> Bool {
        if termination != nil { return true }
        var status: Int32 = 0
        while true {
            let result = waitpid(processID, &status, WNOHANG)
            if result == 0 { return false }
            if result < 0 {
                if errno == EINTR { continue }
                // ECHILD: someone else reaped it; its status is lost.
                termination = .signalled(SIGKILL)
                return true
            }
            break
        }
        let signal = status & 0x7f
        termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        return true
    }
}
