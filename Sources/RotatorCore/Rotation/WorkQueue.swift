import Foundation
import Logging
import Synchronization

/// Hands out work items to a controller's workers, each item once.
final class WorkQueue: Sendable {
    private let state: Mutex<(items: [RotationEngine.WorkItem], next: Int)>

    init(_ items: [RotationEngine.WorkItem]) {
        state = Mutex((items, 0))
    }

    func next() -> RotationEngine.WorkItem? {
        state.withLock { state in
            guard state.next < state.items.count else { return nil }
            defer { state.next += 1 }
            return state.items[state.next]
        }
    }
}
