import Foundation
import Logging

/// `rotate`: resumes unfinished rotations, plans, then rotates due tokens and retires those whose grace
/// has passed, controllers in parallel, at most `concurrency` requests in flight per controller and
/// `limits.max_requests_in_flight` over all of them.
public struct RotationEngine: Sendable {
    /// Rotations kept going per request slot of a controller. A rotation also spends time on local work (journal
    /// commits, writing sinks with fsync) during which it sends nothing; with twice as many rotations as slots,
    /// another one uses the slot meanwhile. The Jenkins clients still cap requests in flight at `concurrency` per
    /// controller and `max_requests_in_flight` over all.
    static let rotationsPerRequestSlot = 2

    /// What `rotate`'s flags ask for.
    public struct Options: Sendable {
        public var filter: TokenFilter
        public var max: Int?
        public var force: Bool
        public var graceOverride: TimeSpan?

        public init(
            filter: TokenFilter = TokenFilter(), max: Int? = nil, force: Bool = false, graceOverride: TimeSpan? = nil
        ) {
            self.filter = filter
            self.max = max
            self.force = force
            self.graceOverride = graceOverride
        }
    }

    public var context: RotationContext
    public var options: Options
    /// One connection per controller of the policy that this run may talk to.
    public var connections: [String: ControllerConnection]
    /// Checked before each new rotation: SIGTERM/SIGINT set it, and the run then starts nothing new.
    public var shouldStop: @Sendable () -> Bool
    /// Told after each token of the main pass (for a progress line on a terminal).
    public var progress: (@Sendable (RunProgress) -> Void)?

    public init(
        context: RotationContext, options: Options, connections: [String: ControllerConnection],
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) {
        self.context = context
        self.options = options
        self.connections = connections
        self.shouldStop = shouldStop
    }

    /// A unit of work for one controller.
    enum WorkItem: Sendable {
        case resume(JournalEntry)
        case rotate(InventoryToken, TokenSettings)
        /// A token whose grace ended, or an unused one (the plan's reason says which).
        case retire(InventoryToken, TokenSettings, reason: String)
        case skip(InventoryToken, String)

        /// The key a claim is taken on: the token's uuid, or for an `issue` whose response was lost (no uuid at
        /// all) its journal row.
        var tokenUUID: String? {
            switch self {
            case .resume(let entry): entry.oldUUID ?? entry.newUUID ?? entry.id.map { "rotation:\($0)" }
            case .rotate(let token, _), .retire(let token, _, _): token.uuid
            case .skip: nil
            }
        }
    }

    public func run() async throws -> RunSummary {
        var context = self.context
        context.graceOverride = options.graceOverride
        return try await context.inRun(mode: "rotate") { context in
            let asOf = context.now()
            // Resume first: a rotation left half-done must be settled before its token is planned again.
            let unfinished = try await context.inventory.unfinishedRotations().filter {
                options.filter.includes(
                    InventoryToken(controller: $0.controller, user: $0.user, name: $0.name, uuid: "", created: asOf))
            }
            var results = try await execute(
                unfinished.map { ($0.controller, WorkItem.resume($0)) }, context: context)

            let planner = Planner(
                policy: context.policy, asOf: asOf, filter: options.filter, max: options.max, force: options.force,
                unfinished: try await context.inventory.unfinishedRotations())
            let selected = try await planner.selectOldestFirst { body in
                try await context.inventory.forEachActiveTokenOldestFirst(body)
            }
            var work: [(String, WorkItem)] = []
            try await context.inventory.forEachToken(includeRevoked: false) { token in
                guard let entry = planner.entry(for: token, selected: selected), let rule = entry.assessment.rule else {
                    return
                }
                switch entry.action {
                case .rotate: work.append((token.controller, .rotate(token, rule.settings)))
                case .retire: work.append((token.controller, .retire(token, rule.settings, reason: entry.reason)))
                case .skip:
                    if case .overLimit = entry.decision { work.append((token.controller, .skip(token, entry.reason))) }
                case .resume, .none: break  // `resume` was attempted (and reported) in the resume phase above
                }
            }
            let tracker = ProgressTracker(total: work.count, report: progress)
            results += try await execute(work, context: context, tracker: tracker)
            return RunSummary(runID: context.runID, asOf: asOf, results: results, interrupted: shouldStop())
        }
    }

    /// Runs work items grouped by controller: controllers in parallel (see ``RotationScheduler`` for which), at
    /// most `concurrency × 2` rotations on one controller and `max_requests_in_flight × 2` in the whole run, so
    /// tasks and memory follow the caps and not the number of controllers. The Jenkins clients enforce the request
    /// caps themselves.
    private func execute(
        _ items: [(String, WorkItem)], context: RotationContext, tracker: ProgressTracker? = nil
    ) async throws -> [RotationResult] {
        var byController: [String: [WorkItem]] = [:]
        var order: [String] = []
        for (controller, item) in items {
            if byController[controller] == nil { order.append(controller) }
            byController[controller, default: []].append(item)
        }
        let lanes = order.map { controller in
            RotationScheduler<WorkItem>.Lane(
                controller: controller, items: byController[controller]!,
                cap: (connections[controller]?.config.concurrency ?? 1) * Self.rotationsPerRequestSlot)
        }
        let workers = RotationScheduler.usefulWorkers(
            lanes, limit: context.policy.limits.maxRequestsInFlight * Self.rotationsPerRequestSlot)
        let scheduler = RotationScheduler(lanes, workers: workers)
        return try await withThrowingTaskGroup(of: [RotationResult].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var results: [RotationResult] = []
                    while let assignment = scheduler.next() {
                        defer { scheduler.finished(assignment.lane) }
                        let result: RotationResult?
                        if let connection = connections[assignment.controller] {
                            result = try await perform(assignment.item, connection: connection, context: context)
                        } else {
                            result = skipped(
                                assignment.item,
                                "controller \(assignment.controller) is not in the policy or was filtered out")
                        }
                        if let result { results.append(result) }
                        tracker?.advance(failed: result?.needsAttention ?? false)
                    }
                    return results
                }
            }
            var results: [RotationResult] = []
            for try await batch in group { results += batch }
            return results
        }
    }

    /// One item; nil when there is nothing to report (a resumed rotation undone cleanly).
    private func perform(_ item: WorkItem, connection: ControllerConnection, context: RotationContext) async throws
        -> RotationResult?
    {
        if case .skip(_, let reason) = item { return skipped(item, reason) }
        if shouldStop() { return skipped(item, "interrupted: the run was asked to stop before this token") }
        if let reason = await connection.stopped { return skipped(item, reason) }
        if let claims = context.claims, let runID = context.runID, let uuid = item.tokenUUID,
            try await !claims.claim(uuid: uuid, runID: runID, lease: context.claimLease)
        {
            return nil  // another rotator sharing the inventory works on this token
        }
        let result: RotationResult?
        do {
            switch item {
            case .resume(let rotation):
                result = try await RotationResume(context: context, connection: connection).resume(rotation)
            case .rotate(let token, let settings):
                result = try await TokenRotation(
                    context: context, connection: connection, token: token, settings: settings
                ).run()
            case .retire(let token, let settings, let reason):
                result = try await TokenRetirement(
                    context: context, connection: connection, token: token, settings: settings, reason: reason
                ).run()
            case .skip:
                result = nil
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // An inventory write failed (or an internal error): this token stops where its journal says, and the
            // next run resumes it; the other tokens go on.
            await connection.countFailure(error)
            context.logger.error("token stopped: \(error)")
            return failed(item, "stopped: \(error); nothing more was sent for it, and the next run resumes it")
        }
        if let result, !result.needsAttention { await connection.countSuccess() }
        return result
    }

    private func failed(_ item: WorkItem, _ reason: String) -> RotationResult {
        var result = skipped(item, reason)
        result.outcome = .failed
        return result
    }

    private func skipped(_ item: WorkItem, _ reason: String) -> RotationResult {
        switch item {
        case .rotate(let token, _), .retire(let token, _, _), .skip(let token, _):
            RotationResult(
                controller: token.controller, user: token.user, name: token.name, oldUUID: token.uuid,
                outcome: .skipped, error: reason)
        case .resume(let rotation):
            RotationResult(
                controller: rotation.controller, user: rotation.user, name: rotation.name, oldUUID: rotation.oldUUID,
                newUUID: rotation.newUUID, outcome: .inProgress, error: reason)
        }
    }
}
