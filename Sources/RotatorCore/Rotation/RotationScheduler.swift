import Foundation
import Locking

/// Hands out the work items of a run to its rotation workers, each item once and at most `cap` items of one
/// controller at a time, so that the run's request cap stays full until its end.
///
/// The items, controller after controller, are cut into a few *streams* of equal length (McNaughton's
/// wrap-around rule), as many as the workers can keep busy at the controllers' caps; a controller may straddle
/// two streams. Each worker takes the next item of the stream furthest behind. All streams end at about the same
/// time, whereas taking the controllers strictly one after another left the last few running alone at their
/// caps while most request slots stood idle (17 controllers × 40 tokens at 20 ms: 2.0× the bound the caps allow,
/// against 1.2× this way; docs/benchmarks.md). A stream whose controller is at its cap lends the worker to its
/// next controller, so a controller bigger than its stream never holds the others back.
///
/// Each stream works its controllers in order, so the run holds connections and sessions for a few controllers
/// per stream only, however many controllers the policy names. No item waits forever: a worker is told nil only
/// when every controller with items left is at its cap, and their busy workers come back for the rest.
final class RotationScheduler<Item: Sendable>: Sendable {
    /// One controller's share of the work.
    struct Lane: Sendable {
        var controller: String
        var items: [Item]
        /// Items of this controller handed out and not yet finished, at most.
        var cap: Int
        var active = 0

        init(controller: String, items: [Item], cap: Int) {
            self.controller = controller
            self.items = items
            self.cap = max(1, cap)
        }

        /// The most of its items that can be out at once.
        var width: Int { min(cap, items.count) }
    }

    /// What a worker is to do next, and the lane to hand back to ``finished(_:)``.
    struct Assignment: Sendable {
        var lane: Int
        var controller: String
        var item: Item
    }

    /// A stretch of one lane's items inside one stream.
    private struct Segment {
        var lane: Int
        var next: Int
        var end: Int
    }

    /// A run of consecutive segments, worked in order.
    private struct Stream {
        var segments: Range<Int>
        /// Segments before this one are handed out completely.
        var firstOpen: Int
        var handedOut = 0

        init(segments: Range<Int>) {
            self.segments = segments
            self.firstOpen = segments.lowerBound
        }
    }

    private struct State {
        var lanes: [Lane]
        var segments: [Segment]
        var streams: [Stream]

        /// The first segment of `stream` with an item to hand out whose lane is below its cap.
        mutating func openSegment(of stream: Int) -> Int? {
            var index = streams[stream].firstOpen
            while index < streams[stream].segments.upperBound, segments[index].next == segments[index].end {
                index += 1
            }
            streams[stream].firstOpen = index
            while index < streams[stream].segments.upperBound {
                let segment = segments[index]
                if segment.next < segment.end, lanes[segment.lane].active < lanes[segment.lane].cap { return index }
                index += 1
            }
            return nil
        }
    }

    private let state: LockedValue<State>

    /// Cuts `lanes` into streams for `workers` workers (see ``usefulWorkers(_:limit:)``).
    init(_ lanes: [Lane], workers: Int) {
        let total = lanes.reduce(0) { $0 + $1.items.count }
        let caps = lanes.reduce(0) { $0 + $1.cap }
        // As many streams as the workers keep busy with lanes at the average cap.
        let streamCount = total == 0 ? 0 : max(1, min(lanes.count, max(1, workers) * lanes.count / caps))
        let length = streamCount == 0 ? 0 : (total + streamCount - 1) / streamCount
        var segments: [Segment] = []
        var streamStarts: [Int] = []  // the first segment of each stream
        var position = 0
        for (index, lane) in lanes.enumerated() {
            var start = 0
            while start < lane.items.count {
                if position % length == 0 { streamStarts.append(segments.count) }
                let end = min(lane.items.count, start + length - position % length)
                segments.append(Segment(lane: index, next: start, end: end))
                position += end - start
                start = end
            }
        }
        let streams = zip(streamStarts, streamStarts.dropFirst() + [segments.count]).map {
            Stream(segments: $0..<$1)
        }
        state = LockedValue(State(lanes: lanes, segments: segments, streams: streams))
    }

    /// The workers worth starting: more could never all be busy at once.
    static func usefulWorkers(_ lanes: [Lane], limit: Int) -> Int {
        max(1, min(limit, lanes.reduce(0) { $0 + $1.width }))
    }

    /// The next item of the stream furthest behind that has one whose lane is below its cap; nil when there is
    /// none. A worker told nil may stop: every lane with items left is at its cap, so the workers busy there
    /// suffice for the rest of the run.
    func next() -> Assignment? {
        state.withLock { state in
            var best: (stream: Int, segment: Int)?
            for index in state.streams.indices {
                if let best, state.streams[best.stream].handedOut <= state.streams[index].handedOut { continue }
                if let segment = state.openSegment(of: index) { best = (index, segment) }
            }
            guard let best else { return nil }
            let laneIndex = state.segments[best.segment].lane
            let item = state.lanes[laneIndex].items[state.segments[best.segment].next]
            state.segments[best.segment].next += 1
            state.streams[best.stream].handedOut += 1
            state.lanes[laneIndex].active += 1
            return Assignment(lane: laneIndex, controller: state.lanes[laneIndex].controller, item: item)
        }
    }

    /// Says that the item handed out on `lane` is done.
    func finished(_ lane: Int) {
        state.withLock { state in state.lanes[lane].active -= 1 }
    }

    /// Lanes with items out right now (for tests).
    var activeLanes: Int {
        state.withLock { state in state.lanes.count(where: { $0.active > 0 }) }
    }
}
