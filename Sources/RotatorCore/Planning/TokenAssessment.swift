import Foundation

/// Age facts about one token under a policy, shared by `audit`, `report` and `rotate`.
public struct TokenAssessment: Sendable, Equatable {
    public var token: InventoryToken
    public var age: TimeSpan
    /// nil without a policy, or when the token's controller is not in it.
    public var rule: ResolvedRule?
    /// The instant the token becomes due (`created + max_age - rotate_before`).
    public var due: Date?
    /// Past `created + max_age` and still a live credential.
    public var overdue: Bool
    /// Whole days from the recorded last use to the assessment's instant; nil when never used or not yet read.
    public var lastUsedDays: Int?

    /// Under a policy rule that does not say `skip`.
    public var isManaged: Bool { rule.map { !$0.skip } ?? false }
    public var maxAge: TimeSpan? { rule?.settings.maxAge }

    public init(token: InventoryToken, policy: RotationPolicy?, asOf: Date) {
        if let policy {
            self.init(token: token, policy: policy, asOf: asOf)
        } else {
            self.init(token: token, rule: nil, asOf: asOf)
        }
    }

    /// The same with a policy at hand: not wrapped in an Optional, which would copy it for every token.
    public init(token: InventoryToken, policy: RotationPolicy, asOf: Date) {
        let rule =
            policy.hasController(token.controller)
            ? policy.resolve(controller: token.controller, user: token.user, name: token.name) : nil
        self.init(token: token, rule: rule, asOf: asOf)
    }

    private init(token: InventoryToken, rule: ResolvedRule?, asOf: Date) {
        self.token = token
        self.age = TimeSpan(seconds: Int64((asOf.timeIntervalSince(token.created)).rounded(.down)))
        self.lastUsedDays = token.lastUsed.map { max(0, Int((asOf.timeIntervalSince($0) / 86_400).rounded(.down))) }
        self.rule = rule
        if let rule {
            self.due = token.created + rule.settings.dueAge
            self.overdue = token.state != .revoked && age > rule.settings.maxAge
        } else {
            self.due = nil
            self.overdue = false
        }
    }
}
