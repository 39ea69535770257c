import Locking

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process groups of the sink commands running right now, so that a second SIGTERM or SIGINT, which makes
/// token-rotator exit at once, can end them first instead of leaving them orphaned. Process-wide because
/// signals are.
public final class SinkProcessGroups: Sendable {
    public static let shared = SinkProcessGroups()

    private let groups = LockedValue<Set<pid_t>>([])

    func insert(_ group: pid_t) { groups.withLock { _ = $0.insert(group) } }
    func remove(_ group: pid_t) { groups.withLock { _ = $0.remove(group) } }

    /// The groups running now.
    public var running: Set<pid_t> { groups.withLock { $0 } }

    /// Sends `signal` to every running sink's process group.
    public func signalAll(_ signal: Int32) {
        for group in running { _ = kill(-group, signal) }
    }
}
