/// Reads the `rules:` list (SPEC §3): each rule matches tokens by globs and overrides settings.
enum PolicyRuleReader {
    static let matchKeys = ["controller", "user", "name"]
    static let keys = ["match", "skip"] + PolicySettingsReader.keys
    private static let listFix = "write rules as a list: - match: { user: \"svc-*\" } followed by the settings"
    private static let matchFix = "write match: { controller: ci-main, user: \"svc-*\", name: \"…\" } (one key or more)"

    /// A rule with the nodes the cross-checks need for their messages.
    struct Parsed {
        let rule: PolicyRule
        let index: Int
        let node: PolicyNode
        let map: PolicyMap
        /// The line of `match.controller`, for errors about the controller it names.
        let matchControllerLine: Int?
    }

    static func rules(from node: PolicyNode?) throws -> [Parsed] {
        guard let node, !node.isNull else { return [] }
        return try node.sequence(fix: listFix).enumerated().map { index, item in
            try rule(index: index, node: item)
        }
    }

    private static func rule(index: Int, node: PolicyNode) throws -> Parsed {
        let map = try node.mapping(allowedKeys: keys, fix: listFix)
        let matchNode = try map.required("match", fix: matchFix)
        let matchMap = try matchNode.mapping(allowedKeys: matchKeys, fix: matchFix)
        guard !matchMap.isEmpty else {
            throw matchNode.error("match needs at least one of controller, user, name", fix: matchFix)
        }
        let match = RuleMatch(
            controller: try matchMap["controller"].map(glob),
            user: try matchMap["user"].map(glob),
            name: try matchMap["name"].map(glob))
        let rule = PolicyRule(
            match: match,
            skip: try map["skip"]?.bool() ?? false,
            overrides: try PolicySettingsReader.overrides(from: map),
            line: node.line ?? 0)
        return Parsed(
            rule: rule, index: index, node: node, map: map, matchControllerLine: matchMap["controller"]?.line)
    }

    private static func glob(from node: PolicyNode) throws -> Glob {
        Glob(try node.string(fix: "give a name or a glob such as \"svc-*\""))
    }

    /// Whether `pattern` uses glob syntax rather than naming one thing literally.
    static func isGlob(_ pattern: String) -> Bool {
        pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }
}
