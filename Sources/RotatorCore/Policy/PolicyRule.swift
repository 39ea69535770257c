import Foundation

public struct RuleMatch: Sendable, Equatable {
    public var controller: Glob?
    public var user: Glob?
    public var name: Glob?

    public init(controller: Glob? = nil, user: Glob? = nil, name: Glob? = nil) {
        self.controller = controller
        self.user = user
        self.name = name
    }

    public func matches(controller: String, user: String, name: String) -> Bool {
        (self.controller?.matches(controller) ?? true) && (self.user?.matches(user) ?? true)
            && (self.name?.matches(name) ?? true)
    }
}

public struct PolicyRule: Sendable, Equatable {
    public var match: RuleMatch
    public var skip: Bool
    public var overrides: TokenSettingsOverrides
    /// The line of the rule in the policy file (for messages); 0 when unknown.
    public var line: Int

    public init(match: RuleMatch, skip: Bool = false, overrides: TokenSettingsOverrides = .init(), line: Int = 0) {
        self.match = match
        self.skip = skip
        self.overrides = overrides
        self.line = line
    }

    /// How reports name this rule: `rules[2]` plus its match, e.g. `rules[2] {user: svc-*}`.
    public func label(index: Int) -> String {
        var parts: [String] = []
        if let glob = match.controller { parts.append("controller: \(glob.pattern)") }
        if let glob = match.user { parts.append("user: \(glob.pattern)") }
        if let glob = match.name { parts.append("name: \(glob.pattern)") }
        return "rules[\(index)] {\(parts.joined(separator: ", "))}"
    }
}
