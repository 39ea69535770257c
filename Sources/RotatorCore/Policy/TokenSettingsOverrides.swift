import Foundation

/// The fields a rule may override; nil means "inherit from defaults".
public struct TokenSettingsOverrides: Sendable, Equatable {
    public var maxAge: TimeSpan?
    public var rotateBefore: TimeSpan?
    public var grace: TimeSpan?
    public var tokenName: String?
    public var jenkinsExpiry: JenkinsExpiry?
    public var verify: Bool?
    public var deliver: [SinkConfig]?
    public var revokeUnusedAfter: TimeSpan?

    public init(
        maxAge: TimeSpan? = nil, rotateBefore: TimeSpan? = nil, grace: TimeSpan? = nil, tokenName: String? = nil,
        jenkinsExpiry: JenkinsExpiry? = nil, verify: Bool? = nil, deliver: [SinkConfig]? = nil,
        revokeUnusedAfter: TimeSpan? = nil
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

    public func applied(to base: TokenSettings) -> TokenSettings {
        TokenSettings(
            maxAge: maxAge ?? base.maxAge, rotateBefore: rotateBefore ?? base.rotateBefore,
            grace: grace ?? base.grace, tokenName: tokenName ?? base.tokenName,
            jenkinsExpiry: jenkinsExpiry ?? base.jenkinsExpiry, verify: verify ?? base.verify,
            deliver: deliver ?? base.deliver, revokeUnusedAfter: revokeUnusedAfter ?? base.revokeUnusedAfter)
    }
}
