import Foundation

/// One line of the plan: a token, what happens to it and why.
public struct PlanEntry: Sendable, Equatable {
    public var assessment: TokenAssessment
    public var decision: PlanDecision
    /// The decision in words, for the audit.
    public var reason: String

    public var action: PlanAction { decision.action }
    public var token: InventoryToken { assessment.token }
    /// How the audit names the rule that decided: `rules[2] {user: svc-*}`, `defaults`, or empty.
    public var ruleLabel: String { assessment.rule?.label ?? "" }
}
