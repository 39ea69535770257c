import Foundation
import RotatorCore
import Testing

@Suite("PolicyLoader: valid policies")
struct PolicyLoaderTests {
    /// SPEC §3's example, verbatim.
    static let specExample = """
        version: 1
        controllers:
          ci-main:
            url: https://jenkins.example.com/
            auth: { user: rotation-admin, token_env: JENKINS_ADMIN_TOKEN }  # or token_file, password_env, password_file
            ca_file: /etc/ssl/internal-ca.pem     # optional; TLS is always verified unless insecure: true
            mode: admin          # admin (default) or self, see below
            concurrency: 4       # requests in flight to this controller
            timeout: 30s         # per request
        defaults:
          max_age: 90d
          rotate_before: 14d     # due when age >= max_age - rotate_before
          grace: 0s              # keep the old token valid this long after its replacement is delivered and verified
          token_name: "{name}"   # placeholders: {name} {user} {controller} {date} {rotation}
          jenkins_expiry: auto   # auto|on|off: on Jenkins >= 2.548 also mint with a native expiry of max_age + grace
          verify: true
          deliver:
            - file: { path: "/var/lib/token-rotator/{controller}/{user}/{name}.token" }
        rules:                   # first match wins; match keys (controller, user, name) are globs
          - match: { controller: ci-main, user: "svc-*" }
            max_age: 30d
            deliver:
              - command: ["/usr/local/bin/push-secret", "{controller}", "{user}", "{name}"]
          - match: { user: admin }
            skip: true
        limits:
          max_rotations: 100     # per run
          max_consecutive_failures: 3   # per controller, then stop that controller for this run
        """

    @Test("SPEC's example loads into the expected model")
    func specExampleRoundTrips() throws {
        let policy = try PolicyLoader.parse(Self.specExample, source: "policy.yml")
        let expected = RotationPolicy(
            version: 1,
            controllers: [
                ControllerConfig(
                    id: "ci-main", url: try #require(URL(string: "https://jenkins.example.com/")),
                    auth: AuthReference(
                        user: "rotation-admin", kind: .apiToken, source: .environment("JENKINS_ADMIN_TOKEN")),
                    caFile: "/etc/ssl/internal-ca.pem", insecure: false, mode: .admin, concurrency: 4,
                    timeout: TimeSpan(seconds: 30))
            ],
            defaults: TokenSettings(
                maxAge: .days(90), rotateBefore: .days(14), grace: .zero, tokenName: "{name}", jenkinsExpiry: .auto,
                verify: true,
                deliver: [.file(path: "/var/lib/token-rotator/{controller}/{user}/{name}.token", format: .raw)]),
            rules: [
                PolicyRule(
                    match: RuleMatch(controller: Glob("ci-main"), user: Glob("svc-*")),
                    overrides: TokenSettingsOverrides(
                        maxAge: .days(30),
                        deliver: [
                            .command(
                                argv: ["/usr/local/bin/push-secret", "{controller}", "{user}", "{name}"],
                                timeout: TimeSpan(seconds: 60))
                        ]),
                    line: 20),
                PolicyRule(match: RuleMatch(user: Glob("admin")), skip: true, line: 24),
            ],
            limits: RotationLimits(maxRotations: 100, maxConsecutiveFailures: 3),
            source: "policy.yml")
        #expect(policy == expected)
        #expect(policy.namedSecretVariables == ["JENKINS_ADMIN_TOKEN"])
    }

    @Test("a minimal policy gets every documented default")
    func minimalPolicyDefaults() throws {
        let policy = try PolicyLoader.parse(
            """
            version: 1
            controllers:
              ci:
                url: http://127.0.0.1:8080/jenkins
                auth: { user: admin, password_file: /run/secrets/jenkins }
            """, source: "min.yml")
        let controller = try #require(policy.controllers.first)
        #expect(controller.url.absoluteString == "http://127.0.0.1:8080/jenkins/")
        #expect(controller.auth == AuthReference(user: "admin", kind: .password, source: .file("/run/secrets/jenkins")))
        #expect(controller.mode == .admin)
        #expect(controller.insecure == false)
        #expect(controller.caFile == nil)
        #expect(controller.concurrency == 4)
        #expect(controller.timeout == TimeSpan(seconds: 30))
        #expect(policy.defaults == TokenSettings())
        #expect(policy.defaults.maxAge == .days(90))
        #expect(policy.defaults.rotateBefore == .days(14))
        #expect(policy.defaults.deliver.isEmpty)
        #expect(policy.rules.isEmpty)
        #expect(policy.limits == RotationLimits(maxRotations: nil, maxConsecutiveFailures: 3))
        #expect(policy.source == "min.yml")
        #expect(policy.namedSecretVariables.isEmpty)
    }

    @Test("every field of controllers, sinks and limits is read")
    func everyField() throws {
        let policy = try PolicyLoader.parse(
            """
            version: 1
            controllers:
              a.b_c-1:
                url: HTTPS://jenkins.example.com:8443
                auth:
                  user: "1234"
                  password_env: JENKINS_PASS
                insecure: true
                concurrency: 12
                timeout: 1m30s
              edge:
                url: https://edge.example.com/
                mode: self
              other:
                url: https://other.example.com/
                auth: { user: bot, token_env: JENKINS_PASS }
            defaults:
              max_age: 2w
              rotate_before: 2d
              grace: 1h
              token_name: "{name}-{date}-{rotation}"
              jenkins_expiry: on
              verify: false
              deliver:
                - file: { path: "/srv/{controller}/{user}/{name}.env", format: env }
                - file:
                    path: /srv/{name}.json
                    format: json
                - command: { argv: [vault, kv, put, "secret/{name}", "token=-"], timeout: 2m }
            limits:
              max_consecutive_failures: 1
              max_requests_in_flight: 200
              claim_lease: 2m
            """, source: "all.yml")
        #expect(policy.controllers.map(\.id) == ["a.b_c-1", "edge", "other"])
        let first = policy.controllers[0]
        #expect(first.url.absoluteString == "HTTPS://jenkins.example.com:8443/")
        #expect(first.auth == AuthReference(user: "1234", kind: .password, source: .environment("JENKINS_PASS")))
        #expect(first.insecure)
        #expect(first.concurrency == 12)
        #expect(first.timeout == TimeSpan(seconds: 90))
        #expect(policy.controllers[1].mode == .self)
        #expect(policy.controllers[1].auth == nil)
        #expect(
            policy.defaults
                == TokenSettings(
                    maxAge: .days(14), rotateBefore: .days(2), grace: .hours(1), tokenName: "{name}-{date}-{rotation}",
                    jenkinsExpiry: .on, verify: false,
                    deliver: [
                        .file(path: "/srv/{controller}/{user}/{name}.env", format: .env),
                        .file(path: "/srv/{name}.json", format: .json),
                        .command(
                            argv: ["vault", "kv", "put", "secret/{name}", "token=-"], timeout: TimeSpan(seconds: 120)),
                    ]))
        #expect(
            policy.limits
                == RotationLimits(
                    maxRotations: nil, maxConsecutiveFailures: 1, maxRequestsInFlight: 200,
                    claimLease: TimeSpan(seconds: 120)))
        #expect(policy.namedSecretVariables == ["JENKINS_PASS"])
    }

    @Test("empty defaults, rules and limits sections mean 'use the defaults'")
    func emptySections() throws {
        let policy = try PolicyLoader.parse(
            """
            version: 1
            controllers:
              ci: { url: "https://ci.example.com/", auth: { user: a, token_file: /t } }
            defaults:
            rules: []
            limits: {}
            """, source: "p.yml")
        #expect(policy.defaults == TokenSettings())
        #expect(policy.rules.isEmpty)
        #expect(policy.limits.maxConsecutiveFailures == 3)
    }

    @Test("a self-mode controller is fine when every reachable rule and the defaults deliver to a file")
    func selfModeWithFileSinks() throws {
        let policy = try PolicyLoader.parse(
            """
            version: 1
            controllers:
              admin-ci: { url: "https://a.example.com/", auth: { user: a, token_env: A } }
              self-ci: { url: "https://s.example.com/", mode: self }
            defaults:
              deliver:
                - file: { path: "/var/lib/t/{controller}/{user}/{name}.token" }
            rules:
              - match: { controller: admin-ci, user: "svc-*" }
                deliver: [ { command: [push, "{name}"] } ]
              - match: { controller: self-ci, user: bot }
                skip: true
              - match: { controller: "self-*" }
                max_age: 30d
              - match: { user: "nobody" }
                deliver: [ { command: [unreachable-for-self-ci] } ]
            """, source: "self.yml")
        #expect(policy.rules.count == 4)
        #expect(policy.controller("self-ci")?.mode == .self)
    }

    @Test("a YAML anchor and alias can share a sink list")
    func anchorsAndAliases() throws {
        let policy = try PolicyLoader.parse(
            """
            version: 1
            controllers:
              ci: { url: "https://ci.example.com/", auth: { user: a, token_env: A } }
            defaults:
              deliver: &sinks
                - file: { path: "/t/{name}" }
            rules:
              - match: { user: "svc-*" }
                max_age: 30d
                deliver: *sinks
            """, source: "p.yml")
        #expect(policy.rules[0].overrides.deliver == policy.defaults.deliver)
    }
}
