import Foundation
import Locking

/// Hands out the work items of a run to its rotation workers, each item once: at most `cap` items of one
/// controller at a time, and a controller's items before the next controller's.
///
/// Taking up controllers in order rather than round robin keeps few controllers busy at once, so the run holds
/// connections, sessions and memory for those few only, however many controllers the policy names. No
/// controller waits forever: every item is handed out in a bounded number of steps, because the controllers
/// ahead of it have finitely many items and a worker never waits for a controller that is at its cap.
final class RotationScheduler<Item: Sendable>: Sendable {
    /// One controller's share of the work.
    struct Lane: Sendable {
        var controller: String
        var items: [Item]
        /// Items of this controller handed out and not yet finished, at most.
        var cap: Int
        var next = 0
        var active = 0

        init(controller: String, items: [Item], cap: Int) {
            self.controller = controller
            self.items = items
            self.cap = max(1, cap)
        }

        var hasItemsLeft: Bool { next < items.count }
    }

    /// What a worker is to do next, and the lane to hand back to ``finished(_:)``.
    struct Assignment: Sendable {
        var lane: Int
        var controller: String
        var item: Item
    }

    private let state: LockedValue<(lanes: [Lane], firstWithItems: Int)>

    init(_ lanes: [Lane]) {
        state = LockedValue((lanes, 0))
    }

    /// The workers worth starting: more could never all be busy at once.
    static func usefulWorkers(_ lanes: [Lane], limit: Int) -> Int {
        max(1, min(limit, lanes.reduce(0) { $0 + min($1.cap, $1.items.count) }))
    }

    /// The next item of the first controller that has items left and is below its cap; nil when there is none.
    /// A worker told nil may stop: every controller with items left is at its cap, so the workers busy there
    /// suffice for the rest of the run.
    func next() -> Assignment? {
        state.withLock { state in
            while state.firstWithItems < state.lanes.count, !state.lanes[state.firstWithItems].hasItemsLeft {
                state.firstWithItems += 1
            }
            var index = state.firstWithItems
            while index < state.lanes.count {
                if state.lanes[index].hasItemsLeft, state.lanes[index].active < state.lanes[index].cap {
                    let lane = state.lanes[index]
                    state.lanes[index].next += 1
                    state.lanes[index].active += 1
                    return Assignment(lane: index, controller: lane.controller, item: lane.items[lane.next])
                }
                index += 1
            }
            return nil
        }
    }

    /// Says that the item handed out on `lane` is done.
    func finished(_ lane: Int) {
        state.withLock { state in state.lanes[lane].active -= 1 }
    }
}
