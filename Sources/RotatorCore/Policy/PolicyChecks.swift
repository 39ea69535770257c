/// The checks that span several parts of the policy: rules that name controllers, settings that
/// could never be due, and self-mode controllers whose tokens need a file sink to read back from.
struct PolicyChecks {
    let root: PolicyNode
    let controllers: [PolicyControllerReader.Parsed]
    let defaults: TokenSettings
    let defaultsMap: PolicyMap?
    let rules: [PolicyRuleReader.Parsed]

    private static let fileSinkExample = "- file: { path: \"/var/lib/token-rotator/{controller}/{user}/{name}.token\" }"

    func run() throws {
        try checkDueable(
            defaults, map: defaultsMap, keyPath: "defaults", fallbackLine: nil, subject: "the defaults",
            inherited: [])
        for parsed in rules {
            try checkControllerMatch(parsed)
            if !parsed.rule.skip {
                let settings = parsed.rule.overrides.applied(to: defaults)
                let inherited = ["max_age", "rotate_before"].filter { parsed.map[$0] == nil }
                try checkDueable(
                    settings, map: parsed.map, keyPath: "rules[\(parsed.index)]", fallbackLine: parsed.node.line,
                    subject: "this rule", inherited: inherited)
            }
        }
        for controller in controllers where controller.config.mode == .`self` {
            try checkSelfModeDelivery(controller)
        }
        try checkCredentialSinks(defaults.deliver, map: defaultsMap, keyPath: "defaults.deliver")
        for parsed in rules {
            if let deliver = parsed.rule.overrides.deliver {
                try checkCredentialSinks(deliver, map: parsed.map, keyPath: "rules[\(parsed.index)].deliver")
            }
        }
    }

    /// A `jenkins_credential` sink names a controller of this policy, one with an `auth` identity to write as.
    private func checkCredentialSinks(_ deliver: [SinkConfig], map: PolicyMap?, keyPath: String) throws {
        let ids = controllers.map(\.config.id)
        for case .jenkinsCredential(let sink) in deliver {
            let line = map?.keyLine("deliver") ?? map?.owner.line
            guard let controller = controllers.first(where: { $0.config.id == sink.controller }) else {
                var fix = "controllers are: " + ids.joined(separator: ", ")
                if let suggestion = PolicyKeySuggestion.closest(to: sink.controller, among: ids) {
                    fix = "did you mean \(suggestion)? (\(fix))"
                }
                throw PolicyError(
                    file: root.source, line: line, keyPath: keyPath + ".jenkins_credential.controller",
                    problem: "\"\(sink.controller)\" names no controller", fix: fix)
            }
            guard controller.config.auth != nil else {
                throw PolicyError(
                    file: root.source, line: line, keyPath: keyPath + ".jenkins_credential.controller",
                    problem: "controller \(sink.controller) has no auth block to update credentials as",
                    fix: "give it auth: { user: …, token_env: … } with Credentials/Update on the store")
            }
        }
    }

    private func checkDueable(
        _ settings: TokenSettings, map: PolicyMap?, keyPath: String, fallbackLine: Int?, subject: String,
        inherited: [String]
    ) throws {
        guard settings.rotateBefore >= settings.maxAge else { return }
        let line = map?.keyLine("rotate_before") ?? map?.keyLine("max_age") ?? map?.owner.line ?? fallbackLine
        var problem =
            "rotate_before (\(settings.rotateBefore)) >= max_age (\(settings.maxAge)): \(subject) could never be due "
            + "at a sensible age (a token would be due the moment it is minted)"
        if !inherited.isEmpty {
            problem += " (\(inherited.joined(separator: " and ")) from defaults)"
        }
        throw PolicyError(
            file: root.source, line: line, keyPath: keyPath, problem: problem,
            fix: "make rotate_before shorter than max_age, e.g. max_age: 30d with rotate_before: 7d")
    }

    private func checkControllerMatch(_ parsed: PolicyRuleReader.Parsed) throws {
        guard let glob = parsed.rule.match.controller else { return }
        let ids = controllers.map(\.config.id)
        guard !ids.contains(where: glob.matches) else { return }
        let line = parsed.matchControllerLine ?? parsed.node.line
        let known = "controllers are: " + ids.joined(separator: ", ")
        if PolicyRuleReader.isGlob(glob.pattern) {
            throw PolicyError(
                file: root.source, line: line, keyPath: "rules[\(parsed.index)].match.controller",
                problem: "\"\(glob.pattern)\" matches no controller", fix: known)
        }
        var fix = known
        if let suggestion = PolicyKeySuggestion.closest(to: glob.pattern, among: ids) {
            fix = "did you mean \(suggestion)? (\(known))"
        }
        throw PolicyError(
            file: root.source, line: line, keyPath: "rules[\(parsed.index)].match.controller",
            problem: "\"\(glob.pattern)\" names no controller", fix: fix)
    }

    /// Every rule that can reach a self-mode controller's tokens, and the defaults when tokens can fall
    /// through to them, must deliver to a file sink: that is where the next rotation reads the value.
    private func checkSelfModeDelivery(_ controller: PolicyControllerReader.Parsed) throws {
        let id = controller.config.id
        let why = "controller \(id) uses mode: self, which reads each token's current value back from its file sink"
        let fix = "add \(Self.fileSinkExample) to its deliver list"
        for parsed in rules where parsed.rule.match.controller?.matches(id) ?? true {
            let settings = parsed.rule.overrides.applied(to: defaults)
            if !parsed.rule.skip, !hasStableFileSink(settings) {
                let written = parsed.map["deliver"] != nil
                throw PolicyError(
                    file: root.source, line: parsed.map.keyLine("deliver") ?? parsed.node.line,
                    keyPath: "rules[\(parsed.index)]" + (written ? ".deliver" : ""),
                    problem: why + ", but this rule delivers to no file sink" + unstableNote(settings)
                        + (written ? "" : " (its deliver list comes from defaults)"),
                    fix: fix)
            }
            if catchesEveryToken(parsed.rule.match) { return }
        }
        guard !hasStableFileSink(defaults) else { return }
        throw PolicyError(
            file: root.source,
            line: defaultsMap?.keyLine("deliver") ?? defaultsMap?.owner.line ?? controller.map.keyLine("mode"),
            keyPath: "defaults.deliver",
            problem: why + ", but tokens that no rule catches fall back to the defaults, which deliver to no file sink"
                + unstableNote(defaults),
            fix: fix)
    }

    /// Placeholders that change from one rotation to the next: a path holding one cannot be read back.
    private static let unstablePlaceholders = ["{date}", "{rotation}"]

    private func hasStableFileSink(_ settings: TokenSettings) -> Bool {
        settings.deliver.contains { sink in
            guard let path = sink.filePath else { return false }
            return !Self.unstablePlaceholders.contains { path.contains($0) }
        }
    }

    private func unstableNote(_ settings: TokenSettings) -> String {
        settings.deliver.contains { $0.filePath != nil }
            ? " whose path stays the same between rotations ({date} and {rotation} change)" : ""
    }

    /// A rule whose user and name match anything hides every later rule (and the defaults) from the
    /// controllers it matches.
    private func catchesEveryToken(_ match: RuleMatch) -> Bool {
        (match.user == nil || match.user?.pattern == "*") && (match.name == nil || match.name?.pattern == "*")
    }
}
