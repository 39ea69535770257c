import Foundation

/// The rule chosen for one token, with its effective settings.
public struct ResolvedRule: Sendable, Equatable {
    /// nil when no rule matched and the defaults apply.
    public var ruleIndex: Int?
    public var label: String
    public var skip: Bool
    public var settings: TokenSettings
}
