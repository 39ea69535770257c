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
    public var defaults: TokenSettings {
        didSet { resolvedRules = Self.resolved(rules, defaults) }
    }
    public var rules: [PolicyRule] {
        didSet { resolvedRules = Self.resolved(rules, defaults) }
    }
    /// What each rule resolves to, then the defaults: `audit` and `report` resolve one per token, and building
    /// a rule's label and settings a million times cost more than matching its globs.
    private var resolvedRules: [ResolvedRule]
    public var limits: RotationLimits
    /// `notify:` (SPEC §8.8): who hears about a run's end; nil sends nothing.
    public var notify: NotifyConfig?
    /// The file the policy came from, for messages.
    public var source: String

    public init(
        version: Int = 1, controllers: [ControllerConfig], defaults: TokenSettings, rules: [PolicyRule] = [],
        limits: RotationLimits = RotationLimits(), notify: NotifyConfig? = nil, source: String = "<memory>"
    ) {
        self.version = version
        self.controllers = controllers
        self.controllerIndex = Self.index(controllers)
        self.defaults = defaults
        self.rules = rules
        self.resolvedRules = Self.resolved(rules, defaults)
        self.limits = limits
        self.notify = notify
        self.source = source
    }

    public func controller(_ id: String) -> ControllerConfig? {
        controllerIndex[id].map { controllers[$0] }
    }

    public func hasController(_ id: String) -> Bool {
        controllerIndex[id] != nil
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
        let index = rules.firstIndex { $0.match.matches(controller: controller, user: user, name: name) }
        return resolvedRules[index ?? rules.count]
    }

    private static func resolved(_ rules: [PolicyRule], _ defaults: TokenSettings) -> [ResolvedRule] {
        rules.enumerated().map { index, rule in
            ResolvedRule(
                ruleIndex: index, label: rule.label(index: index), skip: rule.skip,
                settings: rule.overrides.applied(to: defaults))
        } + [ResolvedRule(ruleIndex: nil, label: "defaults", skip: false, settings: defaults)]
    }
}
