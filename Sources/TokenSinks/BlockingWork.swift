import Dispatch

/// Runs blocking system calls (fsync, waiting for a child process) on a Dispatch thread, so they
/// never hold one of the few threads of Swift's cooperative pool and many sinks can run at once.
enum BlockingWork {
    static func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
