import Foundation

/// Decides, from inventory rows, the policy and an instant, what `rotate` does with each token.
/// Pure: no I/O and no clock. Deciding is two passes so that memory stays flat on large inventories:
/// ``candidate(for:)`` over every token feeds a ``Selection``, which applies the run limit most overdue
/// first; then ``entry(for:selected:)`` gives each token its final action.
public struct Planner: Sendable {
    public var policy: RotationPolicy
    public var asOf: Date
    public var filter: TokenFilter
    /// `--max`; the smaller of this and `limits.max_rotations` applies.
    public var max: Int?
    /// `--force`: rotate matching active tokens even when they are not due.
    public var force: Bool
    /// Unfinished journal rows, by the uuid of the token they replace.
    public var unfinished: [String: JournalEntry]

    public init(
        policy: RotationPolicy, asOf: Date, filter: TokenFilter = TokenFilter(), max: Int? = nil,
        force: Bool = false, unfinished: [JournalEntry] = []
    ) {
        self.policy = policy
        self.asOf = asOf
        self.filter = filter
        self.max = max
        self.force = force
        var byOldUUID: [String: JournalEntry] = [:]
        for rotation in unfinished {
            if let old = rotation.oldUUID { byOldUUID[old] = rotation }
        }
        self.unfinished = byOldUUID
    }

    /// How many new rotations one run may start.
    public var rotationLimit: Int? {
        switch (max, policy.limits.maxRotations) {
        case (let flag?, let limit?): Swift.min(flag, limit)
        case (let flag?, nil): flag
        case (nil, let limit?): limit
        case (nil, nil): nil
        }
    }

    /// A token that would be rotated if no limit applied.
    public struct Candidate: Sendable, Equatable {
        public var uuid: String
        public var due: Date
        public var controller: String
        public var user: String
        public var name: String
    }

    public func candidate(for token: InventoryToken) -> Candidate? {
        guard filter.includes(token) else { return nil }
        let assessment = TokenAssessment(token: token, policy: policy, asOf: asOf)
        guard decision(assessment).action == .rotate, let due = assessment.due else { return nil }
        return Candidate(uuid: token.uuid, due: due, controller: token.controller, user: token.user, name: token.name)
    }

    /// The tokens allowed to rotate this run: the most overdue first (earliest due), ties broken by
    /// controller, user, name and uuid so that two runs over the same data choose the same tokens.
    /// Keeps at most twice the run limit in memory however many tokens are offered.
    public struct Selection: Sendable {
        let limit: Int?
        private var kept: [Candidate] = []
        private var chosen: Set<String>?
        /// Once `limit` candidates are known: the latest due among the best `limit` seen at the last trim.
        /// Later offers can only lower the true value, so it is a safe bound for stopping early.
        private(set) var threshold: Date?

        init(limit: Int?) {
            self.limit = limit
        }

        public mutating func offer(_ candidate: Candidate) {
            guard let limit else { return }
            kept.append(candidate)
            if kept.count > 2 * Swift.max(limit, 1) || (threshold == nil && kept.count >= limit) {
                trim(to: limit)
            }
        }

        /// Whether a candidate offered earlier may rotate; call after the last ``offer(_:)``.
        public mutating func finish() {
            guard let limit else { return }
            trim(to: limit)
            chosen = Set(kept.map(\.uuid))
        }

        public func allows(_ uuid: String) -> Bool {
            limit == nil || chosen?.contains(uuid) == true
        }

        private mutating func trim(to limit: Int) {
            kept.sort {
                ($0.due, $0.controller, $0.user, $0.name, $0.uuid) < ($1.due, $1.controller, $1.user, $1.name, $1.uuid)
            }
            kept.removeLast(Swift.max(kept.count - Swift.max(limit, 0), 0))
            if kept.count >= limit { threshold = kept.last?.due }
        }
    }

    /// An empty selection for this planner's limit; offer it every ``candidate(for:)``, then `finish()` it.
    public func makeSelection() -> Selection {
        Selection(limit: rotationLimit)
    }

    /// The first pass over a large inventory. `walk` hands over the active tokens oldest first (by `created`)
    /// until its body returns false. Every candidate's due instant is at least `created` plus the smallest due
    /// age of any rule, so once the run limit is filled with tokens due before that bound, no older-created
    /// token is left to change the choice: the walk stops there. Without a limit there is nothing to choose.
    public func selectOldestFirst(
        _ walk: ((InventoryToken) throws -> Bool) async throws -> Void
    ) async rethrows -> Selection {
        var selection = makeSelection()
        if rotationLimit != nil {
            let dueAges =
                [policy.defaults] + policy.rules.filter { !$0.skip }.map { $0.overrides.applied(to: policy.defaults) }
            let earliest = dueAges.map(\.dueAge).min() ?? .zero
            try await walk { token in
                if let candidate = candidate(for: token) { selection.offer(candidate) }
                if let threshold = selection.threshold, token.created + earliest > threshold { return false }
                return true
            }
        }
        selection.finish()
        return selection
    }

    /// The selection of a list of candidates (tests, small inventories).
    public func select(_ candidates: [Candidate]) -> Selection {
        var selection = makeSelection()
        for candidate in candidates { selection.offer(candidate) }
        selection.finish()
        return selection
    }

    /// The final plan line for a token, or nil when the filters leave it out.
    public func entry(for token: InventoryToken, selected: Selection) -> PlanEntry? {
        guard filter.includes(token), token.state != .revoked else { return nil }
        let assessment = TokenAssessment(token: token, policy: policy, asOf: asOf)
        var decision = decision(assessment)
        if decision.action == .rotate, !selected.allows(token.uuid) { decision = .overLimit(rotationLimit ?? 0) }
        return PlanEntry(assessment: assessment, decision: decision, reason: reason(decision, assessment))
    }

    /// The whole plan for tokens already in memory (tests, small inventories).
    public func plan(_ tokens: [InventoryToken]) -> [PlanEntry] {
        let selected = select(tokens.compactMap(candidate(for:)))
        return tokens.compactMap { entry(for: $0, selected: selected) }
    }

    private func decision(_ assessment: TokenAssessment) -> PlanDecision {
        let token = assessment.token
        if let rotation = unfinished[token.uuid] { return .resume(rotation) }
        guard let rule = assessment.rule else { return .notInPolicy }
        if rule.skip { return .skipRule(rule.label) }
        if token.state == .retiring {
            guard let revokeAfter = token.revokeAfter else { return .retireUndated }
            return revokeAfter <= asOf ? .retire(revokeAfter) : .retiringUntil(revokeAfter)
        }
        if token.created > asOf { return .future }
        let due = assessment.overdue || assessment.age >= rule.settings.dueAge
        if due, let unused = UnusedTokenCheck.reasonToRevoke(token, settings: rule.settings, asOf: asOf) {
            return .unused(unused)
        }
        if assessment.overdue { return .overdue }
        if due { return .due }
        return force ? .forced : .notDue
    }

    private func reason(_ decision: PlanDecision, _ assessment: TokenAssessment) -> String {
        let token = assessment.token
        let settings = assessment.rule?.settings ?? TokenSettings()
        let ages = "age \(assessment.age.roughDescription)"
        let dueText = assessment.due.map(Timestamp.format) ?? "?"
        switch decision {
        case .resume(let rotation):
            let id = rotation.id.map { " #\($0)" } ?? ""
            return "unfinished rotation\(id) stopped at step \(rotation.step.rawValue)"
        case .notInPolicy:
            return "controller \(token.controller) is not in the policy"
        case .skipRule(let label):
            return "\(label) says skip"
        case .retireUndated:
            return "retiring with no grace deadline recorded"
        case .retire(let revokeAfter):
            return "grace period ended at \(Timestamp.format(revokeAfter))"
        case .retiringUntil(let revokeAfter):
            return "retiring; revoked after \(Timestamp.format(revokeAfter))"
        case .future:
            return "created in the future (\(Timestamp.format(token.created))): check the clocks; never rotated"
        case .overdue:
            return "overdue: \(ages) > max_age \(settings.maxAge)"
        case .due:
            return "due: \(ages) >= \(settings.dueAge.roughDescription) (max_age \(settings.maxAge) - rotate_before "
                + "\(settings.rotateBefore))"
        case .forced:
            return "forced (--force); \(ages), not due until \(dueText)"
        case .unused(let reason):
            return reason + "; revoked instead of rotated"
        case .overLimit(let limit):
            return "limit: at most \(limit) rotations per run; this one waits for the next run"
        case .notDue:
            return "not due: \(ages) < \(settings.dueAge.roughDescription); due \(dueText)"
        }
    }
}
