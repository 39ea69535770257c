import Foundation

/// A validated rotation policy (SPEC §3). ``PolicyLoader`` builds it from YAML; everything here
/// has already been checked, so the planner and the engine never see a malformed value.
public struct RotationPolicy: Sendable, Equatable {
    public var version: Int
    /// Controllers in the order the file lists them.
    public var controllers: [ControllerConfig] {
        didSet { controllerIndex = Self.index(controllers) }
    }
    /// Position of each controller by id: reports look one up per token.
    private var controllerIndex: [String: Int]
    public var defaults: TokenSettings
    public var rules: [PolicyRule]
    public var limits: RotationLimits
    /// The file the policy came from, for messages.
    public var source: String

    public init(
        version: Int = 1, controllers: [ControllerConfig], defaults: TokenSettings, rules: [PolicyRule] = [],
        limits: RotationLimits = RotationLimits(), source: String = "<memory>"
    ) {
        self.version = version
        self.controllers = controllers
        self.controllerIndex = Self.index(controllers)
        self.defaults = defaults
        self.rules = rules
        self.limits = limits
        self.source = source
    }

    public func controller(_ id: String) -> ControllerConfig? {
        controllerIndex[id].map { controllers[$0] }
    }

    private static func index(_ controllers: [ControllerConfig]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, controller) in controllers.enumerated() where index[controller.id] == nil {
            index[controller.id] = position
        }
        return index
    }

    /// The settings that govern one token: the first rule whose globs all match, else the defaults.
    public func resolve(controller: String, user: String, name: String) -> ResolvedRule {
        for (index, rule) in rules.enumerated() where rule.match.matches(controller: controller, user: user, name: name)
        {
            return ResolvedRule(
                ruleIndex: index, label: rule.label(index: index), skip: rule.skip,
                settings: rule.overrides.applied(to: defaults))
        }
        return ResolvedRule(ruleIndex: nil, label: "defaults", skip: false, settings: defaults)
    }
}

/// How the tool authenticates its token calls on a controller.
public enum RotationMode: String, Sendable, Codable {
    /// The policy's `auth` identity mints and revokes through `/user/<id>/…`.
    case admin
    /// Each token authenticates its own rotation; its current value is read from its file sink.
    case `self`
}

public struct ControllerConfig: Sendable, Equatable {
    public var id: String
    public var url: URL
    public var auth: AuthReference?
    public var caFile: String?
    public var insecure: Bool
    public var mode: RotationMode
    /// Hard cap on requests in flight to this controller.
    public var concurrency: Int
    /// Per request.
    public var timeout: TimeSpan

    public init(
        id: String, url: URL, auth: AuthReference? = nil, caFile: String? = nil, insecure: Bool = false,
        mode: RotationMode = .admin, concurrency: Int = 4, timeout: TimeSpan = TimeSpan(seconds: 30)
    ) {
        self.id = id
        self.url = url
        self.auth = auth
        self.caFile = caFile
        self.insecure = insecure
        self.mode = mode
        self.concurrency = concurrency
        self.timeout = timeout
    }
}

/// Where a secret comes from. Never the secret itself.
public enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(String)
}

public struct AuthReference: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case apiToken = "token"
        case password
    }

    public var user: String
    public var kind: Kind
    public var source: SecretSource

    public init(user: String, kind: Kind, source: SecretSource) {
        self.user = user
        self.kind = kind
        self.source = source
    }
}

public enum JenkinsExpiry: String, Sendable, Codable {
    case auto, on, off
}

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

    public init(
        maxAge: TimeSpan = .days(90), rotateBefore: TimeSpan = .days(14), grace: TimeSpan = .zero,
        tokenName: String = "{name}", jenkinsExpiry: JenkinsExpiry = .auto, verify: Bool = true,
        deliver: [SinkConfig] = []
    ) {
        self.maxAge = maxAge
        self.rotateBefore = rotateBefore
        self.grace = grace
        self.tokenName = tokenName
        self.jenkinsExpiry = jenkinsExpiry
        self.verify = verify
        self.deliver = deliver
    }

    /// The age at which a token becomes due.
    public var dueAge: TimeSpan { maxAge - rotateBefore }
}

/// The fields a rule may override; nil means "inherit from defaults".
public struct TokenSettingsOverrides: Sendable, Equatable {
    public var maxAge: TimeSpan?
    public var rotateBefore: TimeSpan?
    public var grace: TimeSpan?
    public var tokenName: String?
    public var jenkinsExpiry: JenkinsExpiry?
    public var verify: Bool?
    public var deliver: [SinkConfig]?

    public init(
        maxAge: TimeSpan? = nil, rotateBefore: TimeSpan? = nil, grace: TimeSpan? = nil, tokenName: String? = nil,
        jenkinsExpiry: JenkinsExpiry? = nil, verify: Bool? = nil, deliver: [SinkConfig]? = nil
    ) {
        self.maxAge = maxAge
        self.rotateBefore = rotateBefore
        self.grace = grace
        self.tokenName = tokenName
        self.jenkinsExpiry = jenkinsExpiry
        self.verify = verify
        self.deliver = deliver
    }

    public func applied(to base: TokenSettings) -> TokenSettings {
        TokenSettings(
            maxAge: maxAge ?? base.maxAge, rotateBefore: rotateBefore ?? base.rotateBefore,
            grace: grace ?? base.grace, tokenName: tokenName ?? base.tokenName,
            jenkinsExpiry: jenkinsExpiry ?? base.jenkinsExpiry, verify: verify ?? base.verify,
            deliver: deliver ?? base.deliver)
    }
}

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

/// The rule chosen for one token, with its effective settings.
public struct ResolvedRule: Sendable, Equatable {
    /// nil when no rule matched and the defaults apply.
    public var ruleIndex: Int?
    public var label: String
    public var skip: Bool
    public var settings: TokenSettings
}

public enum FileSinkFormat: String, Sendable, Codable {
    case raw, env, json
}

/// Where a new token value goes. Paths and argv may hold placeholders.
public enum SinkConfig: Sendable, Equatable {
    case file(path: String, format: FileSinkFormat)
    case command(argv: [String], timeout: TimeSpan)

    public var filePath: String? {
        if case .file(let path, _) = self { return path }
        return nil
    }
}

public struct RotationLimits: Sendable, Equatable {
    /// Per run; nil means no limit.
    public var maxRotations: Int?
    /// Per controller, then that controller stops for this run; nil means no limit.
    public var maxConsecutiveFailures: Int?

    public init(maxRotations: Int? = nil, maxConsecutiveFailures: Int? = nil) {
        self.maxRotations = maxRotations
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }
}
