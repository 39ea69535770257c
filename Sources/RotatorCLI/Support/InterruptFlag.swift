import Dispatch
import Foundation
import SignalSources
import Synchronization
import TokenSinks

/// Turns SIGTERM and SIGINT into a flag the rotation engine polls before each new rotation, so that the
/// token in flight is finished and recorded instead of being cut off (SPEC §4.8).
final class InterruptFlag: @unchecked Sendable {
    /// One per process: signals are process-wide.
    static let shared = InterruptFlag()

    private let raised = Atomic<Bool>(false)
    private let installed = Atomic<Bool>(false)
    // Written once by install(), before any signal can arrive; kept only so the sources stay alive.
    private var sources: [any DispatchSourceSignal] = []

    var isRaised: Bool { raised.load(ordering: .acquiring) }

    func raise() {
        raised.store(true, ordering: .releasing)
    }

    /// Catches SIGTERM and SIGINT for the life of the process (the first call installs, later calls do
    /// nothing); a second signal of either kind kills the process groups of the sink commands still running,
    /// then exits at once.
    func install(onFirst: @escaping @Sendable (Int32) -> Void) {
        guard installed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        sources = makeArmedSignalSources([SIGTERM, SIGINT], queue: .global()) { [self] signalNumber in
            if isRaised {
                SinkProcessGroups.shared.signalAll(SIGKILL)
                exit(128 + signalNumber)
            }
            raise()
            onFirst(signalNumber)
        }
    }
}
