import RotatorCore
import Testing

/// One invalid policy and the error it must produce.
struct PolicyErrorCase: CustomTestStringConvertible, Sendable {
    let name: String
    let yaml: String
    let line: Int?
    let keyPath: String
    /// Text the one-line message must contain.
    let message: String
    /// Text the message must never contain (a secret that was written inline).
    var secret: String? = nil

    var testDescription: String { name }

    /// Lines 1–5: a valid header with one admin-mode controller; extra text starts at line 6.
    static let header = """
        version: 1
        controllers:
          ci-main:
            url: https://jenkins.example.com/
            auth: { user: rotation-admin, token_env: JENKINS_ADMIN_TOKEN }

        """

    init(_ name: String, line: Int?, _ keyPath: String, _ message: String, secret: String? = nil, yaml: String) {
        self.name = name
        self.yaml = yaml
        self.line = line
        self.keyPath = keyPath
        self.message = message
        self.secret = secret
    }

    /// A case whose YAML is the header followed by `extra`.
    static func after(
        _ name: String, line: Int?, _ keyPath: String, _ message: String, secret: String? = nil, _ extra: String
    ) -> PolicyErrorCase {
        PolicyErrorCase(name, line: line, keyPath, message, secret: secret, yaml: header + extra)
    }
}

@Suite("PolicyLoader: every error names the file, line and key")
struct PolicyErrorTests {
    static let fileAndVersionCases: [PolicyErrorCase] = [
        .init("empty document", line: nil, "", "the policy is empty", yaml: ""),
        .init("comment-only document", line: nil, "", "the policy is empty", yaml: "# nothing\n"),
        .init("root is a list", line: 1, "", "the policy must be a mapping", yaml: "- version: 1\n"),
        .init("missing version", line: 1, "", "missing required key version", yaml: "controllers: {}\n"),
        .init(
            "version 2", line: 1, "version", "unsupported policy version 2; this token-rotator reads version 1",
            yaml: "version: 2\ncontrollers: {}\n"),
        .init("version as text", line: 1, "version", "\"one\" is not a whole number", yaml: "version: one\n"),
        .init(
            "unclosed flow list, reported where the file ends", line: 5, "",
            "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 4)",
            yaml: "version: 1\ncontrollers:\n  ci:\n    url: [unclosed\n"),
        .init(
            "tab indentation", line: 3, "", "YAML syntax error", yaml: "version: 1\ncontrollers:\n\tci: {}\n"),
        .after(
            "duplicate key in a controller", line: 6, "controllers.ci-main.url",
            "duplicate key (first written at line 4)", "    url: https://other.example.com/\n"),
        .init(
            "duplicate top-level key", line: 2, "version", "duplicate key (first written at line 1)",
            yaml: "version: 1\nversion: 1\n"),
        .after(
            "duplicate key inside a rule", line: 9, "rules[0].max_age", "duplicate key (first written at line 8)",
            "rules:\n  - match: { user: a }\n    max_age: 30d\n    max_age: 20d\n"),
        .after(
            "unknown top-level key with a suggestion", line: 6, "rule", "unknown key; did you mean rules?", "rule: []\n"
        ),
        .after(
            "merge key", line: 10, "rules[0].<<", "YAML merge keys are not supported",
            "defaults: &base\n  max_age: 30d\nrules:\n  - match: { user: a }\n    <<: *base\n"),
        .after(
            "unknown top-level key without a suggestion", line: 6, "frobnicate",
            "unknown key; known keys here: version, controllers, defaults, rules, limits", "frobnicate: 1\n"),
    ]

    static let controllerCases: [PolicyErrorCase] = [
        .init("no controllers key", line: 1, "", "missing required key controllers", yaml: "version: 1\n"),
        .init(
            "empty controllers", line: 2, "controllers", "at least one controller is required",
            yaml: "version: 1\ncontrollers: {}\n"),
        .init(
            "controllers as a list", line: 3, "controllers",
            "expected a mapping, found a list; write each controller as id: { url: …, auth: {…} }",
            yaml: "version: 1\ncontrollers:\n  - ci-main\n"),
        .init(
            "bad controller id", line: 3, "controllers.ci main", "\"ci main\" is not a valid controller id",
            yaml: "version: 1\ncontrollers:\n  ci main: { url: \"https://x/\", mode: self }\n"),
        .after(
            "misspelt controller key", line: 6, "controllers.ci-main.timout", "did you mean timeout?",
            "    timout: 5s\n"),
        .init(
            "missing url", line: 4, "controllers.ci", "missing required key url",
            yaml: "version: 1\ncontrollers:\n  ci:\n    mode: self\n"),
        .init(
            "ftp url", line: 3, "controllers.ci.url", "\"ftp://x.example.com/\" is not an absolute http or https URL",
            yaml: "version: 1\ncontrollers:\n  ci: { url: \"ftp://x.example.com/\", mode: self }\n"),
        .init(
            "relative url", line: 3, "controllers.ci.url", "is not an absolute http or https URL",
            yaml: "version: 1\ncontrollers:\n  ci: { url: jenkins/, mode: self }\n"),
        .init(
            "url with query", line: 3, "controllers.ci.url", "has a query or fragment",
            yaml: "version: 1\ncontrollers:\n  ci: { url: \"https://x.example.com/?a=b\", mode: self }\n"),
        .init(
            "url with a user", line: 3, "controllers.ci.url", "the URL names a user; put the user in auth.user",
            yaml: "version: 1\ncontrollers:\n  ci: { url: \"https://bob@x.example.com/\", mode: self }\n"),
        .init(
            "url with a password", line: 3, "controllers.ci.url", "secrets may not be written in the policy",
            secret: "hunter2", yaml: "version: 1\ncontrollers:\n  ci: { url: \"https://bob:hunter2@x.example.com/\" }\n"
        ),
        .init(
            "admin mode without auth", line: 4, "controllers.ci", "missing required key auth",
            yaml: "version: 1\ncontrollers:\n  ci:\n    url: https://x.example.com/\n"),
        .init(
            "auth without a secret source", line: 3, "controllers.ci.auth", "auth needs one of token_env",
            yaml: "version: 1\ncontrollers:\n  ci: { url: \"https://x/\", auth: { user: a } }\n"),
        .init(
            "auth with two secret sources", line: 7, "controllers.ci.auth", "auth has both token_env and password_file",
            yaml: """
                version: 1
                controllers:
                  ci:
                    url: https://x.example.com/
                    auth:
                      token_env: A
                      password_file: /p
                      user: a
                """),
        .init(
            "auth without user", line: 3, "controllers.ci.auth", "missing required key user",
            yaml: "version: 1\ncontrollers:\n  ci: { url: \"https://x/\", auth: { token_env: A } }\n"),
        .init(
            "auth as text", line: 3, "controllers.ci.auth", "expected a mapping, found a single value",
            secret: "s3cr3t-value",
            yaml: "version: 1\ncontrollers:\n  ci: { url: \"https://x/\", auth: s3cr3t-value }\n"),
        .init(
            "inline token", line: 5, "controllers.ci.auth.token",
            "secrets may not be written in the policy; use token_env/token_file/password_env/password_file",
            secret: "11aa22bb33cc",
            yaml:
                "version: 1\ncontrollers:\n  ci:\n    url: https://x.example.com/\n    auth: { user: a, token: 11aa22bb33cc }\n"
        ),
        .init(
            "inline password", line: 7, "controllers.ci.auth.password", "secrets may not be written in the policy",
            secret: "pa55word",
            yaml: """
                version: 1
                controllers:
                  ci:
                    url: https://x.example.com/
                    auth:
                      user: a
                      password: pa55word
                """),
        .after(
            "inline secret in a sink", line: 9, "defaults.deliver[0].file.secret",
            "secrets may not be written in the policy", secret: "topsecret",
            "defaults:\n  deliver:\n    - file:\n        secret: topsecret\n        path: /x\n"),
        .after(
            "inline value at the top level", line: 6, "value", "secrets may not be written in the policy",
            secret: "abcdef", "value: abcdef\n"),
        .init(
            "secret pasted into token_env", line: 3, "controllers.ci.auth.token_env",
            "is not an environment variable name", secret: "11ab-cd-ef",
            yaml: "version: 1\ncontrollers:\n  ci: { url: \"https://x/\", auth: { user: a, token_env: 11ab-cd-ef } }\n"),
        .after(
            "insecure as yes", line: 6, "controllers.ci-main.insecure", "\"yes\" is not true or false",
            "    insecure: yes\n"),
        .after(
            "insecure quoted", line: 6, "controllers.ci-main.insecure", "expected true or false, found quoted text",
            "    insecure: \"true\"\n"),
        .after(
            "unknown mode", line: 6, "controllers.ci-main.mode", "\"robot\" is not one of admin, self",
            "    mode: robot\n"),
        .after(
            "concurrency 0", line: 6, "controllers.ci-main.concurrency", "0 is too small; use a whole number >= 1",
            "    concurrency: 0\n"),
        .after(
            "concurrency as text", line: 6, "controllers.ci-main.concurrency", "\"four\" is not a whole number",
            "    concurrency: four\n"),
        .after(
            "concurrency as a list", line: 6, "controllers.ci-main.concurrency",
            "expected a whole number, found a list",
            "    concurrency: [4]\n"),
        .after("timeout 0s", line: 6, "controllers.ci-main.timeout", "must be longer than 0s", "    timeout: 0s\n"),
        .after(
            "timeout bare number", line: 6, "controllers.ci-main.timeout", "\"30\" is not a duration",
            "    timeout: 30\n"),
        .after("empty ca_file", line: 6, "controllers.ci-main.ca_file", "needs a value", "    ca_file:\n"),
    ]

    static let settingsCases: [PolicyErrorCase] = [
        .after(
            "bad duration in defaults", line: 7, "defaults.max_age",
            "\"9x\" is not a duration; use 30s, 15m, 12h, 90d, 2w or sums like 1d12h", "defaults:\n  max_age: 9x\n"),
        .after(
            "negative duration", line: 7, "defaults.grace", "\"-5d\" is not a duration", "defaults:\n  grace: -5d\n"),
        .after(
            "fractional duration", line: 7, "defaults.grace", "\"1.5d\" is not a duration", "defaults:\n  grace: 1.5d\n"
        ),
        .after(
            "overflowing duration", line: 7, "defaults.max_age", "is not a duration",
            "defaults:\n  max_age: 99999999999999999999d\n"),
        .after(
            "duration over 100 years", line: 7, "defaults.max_age", "is longer than 36500d (100 years)",
            "defaults:\n  max_age: 6000w\n"),
        .after("max_age 0s", line: 7, "defaults.max_age", "must be longer than 0s", "defaults:\n  max_age: 0s\n"),
        .after(
            "defaults not dueable", line: 8, "defaults",
            "rotate_before (30d) >= max_age (30d): the defaults could never be due",
            "defaults:\n  max_age: 30d\n  rotate_before: 30d\n"),
        .after(
            "unknown placeholder in token_name", line: 7, "defaults.token_name", "unknown placeholder {uuid}",
            "defaults:\n  token_name: \"{name}-{uuid}\"\n"),
        .after(
            "token placeholder in token_name", line: 7, "defaults.token_name",
            "unknown placeholder {token}; the token value is never put in names",
            "defaults:\n  token_name: \"{token}\"\n"),
        .after(
            "unclosed placeholder", line: 7, "defaults.token_name", "has a { that is never closed",
            "defaults:\n  token_name: \"{name\"\n"),
        .after(
            "bad jenkins_expiry", line: 7, "defaults.jenkins_expiry", "\"yes\" is not one of auto, on, off",
            "defaults:\n  jenkins_expiry: yes\n"),
        .after(
            "verify as a number", line: 7, "defaults.verify", "\"1\" is not true or false", "defaults:\n  verify: 1\n"),
        .after(
            "defaults as a list", line: 7, "defaults", "expected a mapping, found a list",
            "defaults:\n  - max_age: 1d\n"),
        .after(
            "misspelt defaults key", line: 7, "defaults.max-age", "unknown key; did you mean max_age?",
            "defaults:\n  max-age: 1d\n"),
        .after(
            "deliver as a mapping", line: 8, "defaults.deliver", "expected a list, found a mapping",
            "defaults:\n  deliver:\n    file: { path: /x }\n"),
        .after(
            "jenkins_credential sink without a controller", line: 8, "defaults.deliver[0].jenkins_credential",
            "missing required key controller", "defaults:\n  deliver:\n    - jenkins_credential: { id: x }\n"),
        .after(
            "jenkins_credential sink on an unknown controller", line: 7,
            "defaults.deliver.jenkins_credential.controller", "\"ci-mian\" names no controller",
            "defaults:\n  deliver:\n    - jenkins_credential: { controller: ci-mian, id: x, kind: secret_text }\n"),
        .after(
            "jenkins_credential sink with a bad store", line: 8, "defaults.deliver[0].jenkins_credential.store",
            "store 'vault' is not a credentials store",
            "defaults:\n  deliver:\n    - jenkins_credential: { controller: ci-main, store: vault, id: x, kind: secret_text }\n"
        ),
        .after(
            "jenkins_credential sink with a bad kind", line: 8, "defaults.deliver[0].jenkins_credential.kind",
            "\"token\" is not one of username_password, secret_text",
            "defaults:\n  deliver:\n    - jenkins_credential: { controller: ci-main, id: x, kind: token }\n"),
        .after(
            "two kinds in one sink", line: 9, "defaults.deliver[0]",
            "one list item holds several sinks (file, command)",
            "defaults:\n  deliver:\n    - file: { path: /x }\n      command: [y]\n"),
        .after(
            "unknown sink kind", line: 8, "defaults.deliver[0].s3", "unknown key; known keys here: file, command",
            "defaults:\n  deliver:\n    - s3: { bucket: x }\n"),
        .after("empty sink", line: 8, "defaults.deliver[0]", "empty sink", "defaults:\n  deliver:\n    - {}\n"),
        .after(
            "file sink without path", line: 8, "defaults.deliver[0].file", "missing required key path",
            "defaults:\n  deliver:\n    - file: { format: raw }\n"),
        .after(
            "file sink as text", line: 8, "defaults.deliver[0].file", "expected a mapping, found a single value",
            "defaults:\n  deliver:\n    - file: /x\n"),
        .after(
            "bad file format", line: 8, "defaults.deliver[0].file.format", "\"yaml\" is not one of raw, env, json",
            "defaults:\n  deliver:\n    - file: { path: /x, format: yaml }\n"),
        .after(
            "unknown placeholder in a path", line: 8, "defaults.deliver[0].file.path", "unknown placeholder {host}",
            "defaults:\n  deliver:\n    - file: { path: \"/x/{host}\" }\n"),
        .after(
            "empty command", line: 8, "defaults.deliver[0].command", "the command is empty",
            "defaults:\n  deliver:\n    - command: []\n"),
        .after(
            "command argv missing", line: 8, "defaults.deliver[0].command", "missing required key argv",
            "defaults:\n  deliver:\n    - command: { timeout: 5s }\n"),
        .after(
            "command as text", line: 8, "defaults.deliver[0].command", "expected a mapping, found a single value",
            "defaults:\n  deliver:\n    - command: /usr/bin/push\n"),
        .after(
            "token placeholder in argv", line: 8, "defaults.deliver[0].command[1]", "unknown placeholder {token}",
            "defaults:\n  deliver:\n    - command: [push, \"{token}\"]\n"),
        .after(
            "command timeout 0s", line: 8, "defaults.deliver[0].command.timeout", "must be longer than 0s",
            "defaults:\n  deliver:\n    - command: { argv: [push], timeout: 0s }\n"),
        .after(
            "nested list in argv", line: 8, "defaults.deliver[0].command[0]", "expected a single value, found a list",
            "defaults:\n  deliver:\n    - command: [[push]]\n"),
    ]

    static let ruleAndLimitCases: [PolicyErrorCase] = [
        .after(
            "rules as a mapping", line: 7, "rules", "expected a list, found a mapping", "rules:\n  match: { user: a }\n"
        ),
        .after("rule without match", line: 7, "rules[0]", "missing required key match", "rules:\n  - max_age: 30d\n"),
        .after(
            "empty match", line: 7, "rules[0].match", "match needs at least one of controller, user, name",
            "rules:\n  - match: {}\n"),
        .after(
            "misspelt match key", line: 7, "rules[0].match.usr", "unknown key; did you mean user?",
            "rules:\n  - match: { usr: a }\n"),
        .after(
            "misspelt rule key", line: 8, "rules[0].max_ag", "unknown key; did you mean max_age?",
            "rules:\n  - match: { user: a }\n    max_ag: 30d\n"),
        .after(
            "bad duration in the second rule", line: 10, "rules[1].max_age", "\"9x\" is not a duration",
            "rules:\n  - match: { user: a }\n    max_age: 30d\n  - match: { user: b }\n    max_age: 9x\n"),
        .after(
            "skip as text", line: 8, "rules[0].skip", "\"maybe\" is not true or false",
            "rules:\n  - match: { user: a }\n    skip: maybe\n"),
        .after(
            "rule names an unknown controller", line: 7, "rules[0].match.controller",
            "\"ci-mian\" names no controller; did you mean ci-main? (controllers are: ci-main)",
            "rules:\n  - match: { controller: ci-mian }\n"),
        .after(
            "rule glob matches no controller", line: 8, "rules[0].match.controller",
            "\"prod-*\" matches no controller; controllers are: ci-main",
            "rules:\n  - match:\n      controller: \"prod-*\"\n"),
        .after(
            "rule that can never be due", line: 16, "rules[2]",
            "rotate_before (30d) >= max_age (20d): this rule could never be due",
            """
            defaults:
              rotate_before: 7d
            rules:
              - match: { user: a }
                max_age: 10d
              - match: { user: b }
                skip: true
                max_age: 1d
              - match: { user: c }
                max_age: 20d
                rotate_before: 30d
            """),
        .after(
            "rule whose inherited rotate_before beats its max_age", line: 8, "rules[0]",
            "rotate_before (14d) >= max_age (7d): this rule could never be due at a sensible age "
                + "(a token would be due the moment it is minted) (rotate_before from defaults)",
            "rules:\n  - match: { user: a }\n    max_age: 7d\n"),
        .after("max_rotations 0", line: 7, "limits.max_rotations", "0 is too small", "limits:\n  max_rotations: 0\n"),
        .after(
            "misspelt limit", line: 7, "limits.max_consecutive_failure",
            "unknown key; did you mean max_consecutive_failures?", "limits:\n  max_consecutive_failure: 2\n"),
        .after(
            "max_requests_in_flight 0", line: 7, "limits.max_requests_in_flight", "0 is too small",
            "limits:\n  max_requests_in_flight: 0\n"),
        .after(
            "max_requests_in_flight as text", line: 7, "limits.max_requests_in_flight", "is not a whole number",
            "limits:\n  max_requests_in_flight: many\n"),
        .after(
            "claim_lease not a duration", line: 7, "limits.claim_lease", "\"soon\" is not a duration",
            "limits:\n  claim_lease: soon\n"),
        .after(
            "claim_lease too short", line: 7, "limits.claim_lease", "must be longer than",
            "limits:\n  claim_lease: 0s\n"),
    ]

    static let selfModeCases: [PolicyErrorCase] = [
        .init(
            "self mode with a file path that changes every rotation", line: 5, "defaults.deliver",
            "which deliver to no file sink whose path stays the same between rotations ({date} and {rotation} change)",
            yaml: """
                version: 1
                controllers:
                  edge: { url: "https://edge.example.com/", mode: self }
                defaults:
                  deliver: [ { file: { path: "/t/{name}-{date}" } } ]
                """),
        .init(
            "self mode with defaults that deliver no file", line: 5, "defaults.deliver",
            "controller edge uses mode: self, which reads each token's current value back from its file sink, "
                + "but tokens that no rule catches fall back to the defaults, which deliver to no file sink",
            yaml: """
                version: 1
                controllers:
                  edge: { url: "https://edge.example.com/", mode: self }
                defaults:
                  deliver: [ { command: [push] } ]
                """),
        .init(
            "self mode with no deliver at all", line: 3, "defaults.deliver", "deliver to no file sink",
            yaml: "version: 1\ncontrollers:\n  edge: { url: \"https://edge/\", mode: self }\n"),
        .init(
            "self mode with a rule that delivers no file", line: 9, "rules[0].deliver",
            "but this rule delivers to no file sink",
            yaml: """
                version: 1
                controllers:
                  edge: { url: "https://edge.example.com/", mode: self }
                defaults:
                  deliver: [ { file: { path: "/t/{name}" } } ]
                rules:
                  - match: { user: "svc-*" }
                    max_age: 30d
                    deliver: [ { command: [push] } ]
                """),
        .init(
            "self mode with a rule that inherits no file", line: 8, "rules[1]",
            "this rule delivers to no file sink (its deliver list comes from defaults)",
            yaml: """
                version: 1
                controllers:
                  edge: { url: "https://edge.example.com/", mode: self }
                  main: { url: "https://main.example.com/", auth: { user: a, token_env: A } }
                rules:
                  - match: { controller: main, user: "svc-*" }
                    deliver: [ { command: [push] } ]
                  - match: { user: "svc-*" }
                    max_age: 30d
                """),
    ]

    @Test("file and version errors", arguments: PolicyErrorTests.fileAndVersionCases)
    func fileAndVersion(_ testCase: PolicyErrorCase) throws { try check(testCase) }

    @Test("controller errors", arguments: PolicyErrorTests.controllerCases)
    func controllers(_ testCase: PolicyErrorCase) throws { try check(testCase) }

    @Test("defaults, settings and sink errors", arguments: PolicyErrorTests.settingsCases)
    func settings(_ testCase: PolicyErrorCase) throws { try check(testCase) }

    @Test("rule and limit errors", arguments: PolicyErrorTests.ruleAndLimitCases)
    func rulesAndLimits(_ testCase: PolicyErrorCase) throws { try check(testCase) }

    @Test("self-mode file sink errors", arguments: PolicyErrorTests.selfModeCases)
    func selfMode(_ testCase: PolicyErrorCase) throws { try check(testCase) }

    private func check(_ testCase: PolicyErrorCase) throws {
        let error = try #require(throws: PolicyError.self) {
            try PolicyLoader.parse(testCase.yaml, source: "policy.yml")
        }
        #expect(error.file == "policy.yml")
        #expect(error.line == testCase.line, "\(error)")
        #expect(error.keyPath == testCase.keyPath, "\(error)")
        #expect(error.description.contains(testCase.message), "\(error)")
        #expect(!error.description.contains("\n"), "one line: \(error)")
        let prefix =
            "policy.yml" + (testCase.line.map { ":\($0)" } ?? "") + ": "
            + (testCase.keyPath.isEmpty ? "" : testCase.keyPath + ": ")
        #expect(error.description.hasPrefix(prefix), "\(error)")
        if let secret = testCase.secret {
            #expect(!error.description.contains(secret), "the message echoes a secret")
        }
    }

    @Test("the one-line format is <file>:<line>: <key.path>: <problem>; <fix>")
    func descriptionFormat() {
        let error = PolicyError(file: "p.yml", line: 14, keyPath: "rules[1].max_age", problem: "bad", fix: "fix it")
        #expect(error.description == "p.yml:14: rules[1].max_age: bad; fix it")
        let fileError = PolicyError(file: "p.yml", line: nil, keyPath: "", problem: "no policy file here", fix: "")
        #expect(fileError.description == "p.yml: no policy file here")
    }
}
