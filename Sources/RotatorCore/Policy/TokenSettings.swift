import Foundation

/// Everything a rule can set. `defaults` fills every field; rules override some.
public struct TokenSettings: Sendable, Equatable {
    public var maxAge: TimeSpan
    public var rotateBefore: TimeSpan
    public var grace: TimeSpan
    /// With placeholders `{name} {user} {controller} {date} {rotation}`.
    public var tokenName: String
    public var jenkinsExpiry: JenkinsExpiry
    public var verify: Bool
    public var deliver: [SinkConfig]
    /// `revoke_unused_after` (SPEC §8.7): a due token whose recorded last use is older than this is revoked
    /// instead of rotated; nil (the default) never does that.
    public var revokeUnusedAfter: TimeSpan?

    public init(
        maxAge: TimeSpan = .days(90), rotateBefore: TimeSpan = .days(14), grace: TimeSpan = .zero,
        tokenName: String = "{name}", jenkinsExpiry: JenkinsExpiry = .auto, verify: Bool = true,
        deliver: [SinkConfig] = [], revokeUnusedAfter: TimeSpan? = nil
    ) {
        self.maxAge = maxAge
        self.rotateBefore = rotateBefore
        self.grace = grace
        self.tokenName = tokenName
        self.jenkinsExpiry = jenkinsExpiry
        self.verify = verify
        self.deliver = deliver
        self.revokeUnusedAfter = revokeUnusedAfter
    }

    /// The age at which a token becomes due.
    public var dueAge: TimeSpan { maxAge - rotateBefore }
}
