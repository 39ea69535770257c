import Dispatch
import Foundation
import Testing

@testable import SignalSources

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Signal sources armed before the caller goes on")
struct ArmedSignalSourcesTests {
    @Test("when makeArmedSignalSources returns, the signal is no longer ignored, and it reaches the handler")
    func armedOnReturn() async throws {
        let received = AsyncStream<Int32>.makeStream()
        // SIGUSR2: nothing else in the test process uses it.
        let sources = makeArmedSignalSources([SIGUSR2], queue: .global()) { received.continuation.yield($0) }
        #if os(Linux)
            #expect(!isIgnored(SIGUSR2), "Dispatch's handler is not installed yet: a signal now would be lost")
        #endif
        kill(getpid(), SIGUSR2)
        var iterator = received.stream.makeAsyncIterator()
        #expect(await iterator.next() == SIGUSR2)
        for source in sources { source.cancel() }
    }
}
