import Foundation

/// Why a token gets its action: the planner's decision as data. Text is for people (``PlanEntry/reason``);
/// code branches on this.
public enum PlanDecision: Sendable, Equatable {
    /// An unfinished rotation of this token is resumed first.
    case resume(JournalEntry)
    case notInPolicy
    /// The rule (its label) says `skip`.
    case skipRule(String)
    case retireUndated
    /// Retiring, and its grace period ended at this instant.
    case retire(Date)
    case retiringUntil(Date)
    case future
    case overdue
    case due
    case forced
    /// Due, but the run's rotation limit (this many) is reached: it waits for the next run.
    case overLimit(Int)
    /// Due, but unused for longer than `revoke_unused_after` (SPEC §8.7): revoked instead of rotated. The text says
    /// since when.
    case unused(String)
    case notDue

    public var action: PlanAction {
        switch self {
        case .resume: .resume
        case .notInPolicy, .skipRule, .future, .overLimit: .skip
        case .retireUndated, .retire, .unused: .retire
        case .retiringUntil, .notDue: .none
        case .overdue, .due, .forced: .rotate
        }
    }
}
