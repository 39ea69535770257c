import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Dispatch signal sources that are armed when this returns. Each signal is first ignored (so that its default
/// action never runs), then handed to a source; but Dispatch installs its own handler only when its manager
/// thread registers the source, some microseconds after `resume()`, and a signal that arrives in between meets
/// `SIG_IGN` and is lost (a `jenkins-sim` sent SIGTERM at once after printing its URL once served forever). So on
/// Linux this waits, at most a second, until the disposition is no longer `SIG_IGN`.
public func makeArmedSignalSources(
    _ signals: [Int32], queue: DispatchQueue, handler: @escaping @Sendable (Int32) -> Void
) -> [any DispatchSourceSignal] {
    signals.map { signalNumber in
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
        source.setEventHandler { handler(signalNumber) }
        source.resume()
        #if os(Linux)
            // (On Darwin a kqueue sees the signal whatever its disposition: nothing to wait for.)
            var waited = 0
            while isIgnored(signalNumber), waited < 10_000 {
                usleep(100)
                waited += 1
            }
        #endif
        return source
    }
}

/// Whether the process's disposition for `signalNumber` is `SIG_IGN`.
func isIgnored(_ signalNumber: Int32) -> Bool {
    var current = sigaction()
    sigaction(signalNumber, nil, &current)
    #if canImport(Glibc)
        let handler = current.__sigaction_handler.sa_handler
    #else
        let handler = current.__sigaction_u.__sa_handler
    #endif
    return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
}
