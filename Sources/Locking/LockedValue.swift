#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value that one thread at a time may read or change, behind a `pthread_mutex`.
///
/// The project's one lock, used instead of `Synchronization.Mutex`: on Linux that Mutex waits with futex calls
/// inside the uninstrumented standard library, so ThreadSanitizer never sees it synchronise and reports every
/// access under it as a race. `pthread_mutex_lock` is intercepted by ThreadSanitizer, so races it reports through
/// this type are real. A tiny module of its own, so RotatorCore and the simulator need no NIO for it.
public final class LockedValue<Value>: @unchecked Sendable {
    // On the heap: a pthread_mutex_t must never move, and Swift promises no fixed address for a stored property.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ initialValue: sending Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed with \(status)")
        value = initialValue
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock (not reentrant: never call withLock of the same value
    /// from inside `body`).
    public func withLock<Result, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
