import Yams

/// Reads the token settings that `defaults` sets and rules override (SPEC §3).
enum PolicySettingsReader {
    static let keys = [
        "max_age", "rotate_before", "grace", "token_name", "jenkins_expiry", "verify", "deliver", "revoke_unused_after",
    ]

    /// The settings present in `map`; absent keys stay nil.
    static func overrides(from map: PolicyMap) throws -> TokenSettingsOverrides {
        var overrides = TokenSettingsOverrides()
        if let node = map["max_age"] { overrides.maxAge = try node.duration(minimum: TimeSpan(seconds: 1)) }
        if let node = map["rotate_before"] { overrides.rotateBefore = try node.duration() }
        if let node = map["grace"] { overrides.grace = try node.duration() }
        if let node = map["token_name"] {
            let name = try node.string(fix: "use a name such as \"{name}\" or \"{name}-{date}\"")
            try node.checkPlaceholders(in: name)
            overrides.tokenName = name
        }
        if let node = map["jenkins_expiry"] {
            overrides.jenkinsExpiry = try node.choice(JenkinsExpiry.self, [.auto, .on, .off])
        }
        if let node = map["verify"] { overrides.verify = try node.bool() }
        if let node = map["deliver"] { overrides.deliver = try PolicySinkReader.sinks(from: node) }
        if let node = map["revoke_unused_after"] {
            overrides.revokeUnusedAfter = try node.duration(minimum: TimeSpan.days(1))
        }
        return overrides
    }
}
