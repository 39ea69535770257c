import ArgumentParser
import Foundation
import JenkinsAPI
import RotatorCore

extension RotatorCommand {
    struct Check: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the policy, then reach and authenticate to every controller. Changes nothing.",
            discussion: """
                One line per controller: reachable, authenticated as whom, crumb fetched or CSRF off, Jenkins \
                version, and whether native token expiry (Jenkins 2.548+) is available. Exits 1 when any \
                controller is not healthy, 2 when the policy is invalid.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("controller"), help: "Only this controller (repeatable).")
        var controllers: [String] = []

        @Option(
            help: ArgumentHelp(
                "table, or json: [{controller, url, ok, actor, version, csrf, native_expiry, plain_http, error}].",
                valueName: "format"))
        var format: CheckFormat = .table

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let policy = try global.loadPolicy(env)
            // In JSON mode stdout holds the one JSON document; the human line goes to stderr.
            (format == .json ? env.stderr : env.stdout).write(
                "policy \(policy.source): valid (\(policy.controllers.count) controllers, \(policy.rules.count) rules)\n"
            )
            var rows: [CheckRow] = []
            let healthy = try await LiveJenkins.withControllers(policy: policy, ids: Set(controllers), env: env) {
                controllers in
                var allHealthy = true
                for controller in controllers {
                    let line: String
                    let config = controller.config
                    switch controller.credential {
                    case .failure(let error):
                        line = "FAIL \(config.id) \(config.url.absoluteString): \(error)"
                        rows.append(CheckRow(config: config, error: "\(error)"))
                        allHealthy = false
                    case .success(let credential):
                        let check = await controller.client.check(as: credential)
                        let expiryProblem = Self.expiryProblem(check, policy, config)
                        line = Self.describe(
                            check, config: config, hasCredential: credential != nil, extraProblem: expiryProblem)
                        rows.append(CheckRow(check, config: config, extraProblem: expiryProblem))
                        allHealthy = allHealthy && check.isHealthy && expiryProblem == nil
                    }
                    if format == .table { env.stdout.write(line + "\n") }
                }
                return allHealthy
            }
            if format == .json { env.stdout.write(CheckRow.json(rows)) }
            return healthy ? .success : .tokenFailures
        }

        static func describe(
            _ check: ControllerCheck, config: ControllerConfig, hasCredential: Bool, extraProblem: String?
        ) -> String {
            let healthy = check.isHealthy && extraProblem == nil
            let head = "\(healthy ? "ok  " : "FAIL") \(check.controller) \(check.url)"
            var parts: [String] = []
            parts.append(check.reachable ? "reachable" : "unreachable")
            if let name = check.authenticatedAs {
                parts.append("authenticated as \(name)")
            } else if !hasCredential {
                parts.append(config.mode == .self ? "self mode (each token authenticates itself)" : "no credential")
            }
            switch check.crumb {
            case .fetched(let field): parts.append("crumb fetched (\(field))")
            case .csrfDisabled: parts.append("CSRF protection off")
            case .notChecked: break
            }
            parts.append("Jenkins \(check.version?.description ?? "version unknown")")
            parts.append(check.supportsNativeExpiry ? "native token expiry supported" : "no native token expiry")
            if config.usesPlainHTTPOverNetwork { parts.append("plain http (allow_plain_http: true)") }
            var line = head + ": " + parts.joined(separator: ", ")
            if let failure = check.failure { line += "\n     \(failure)" }
            if let extraProblem { line += "\n     \(extraProblem)" }
            return line
        }

        /// `jenkins_expiry: on` against a Jenkins older than 2.548 is a check error (SPEC §7).
        static func expiryProblem(_ check: ControllerCheck, _ policy: RotationPolicy, _ config: ControllerConfig)
            -> String?
        {
            let demandsExpiry =
                policy.defaults.jenkinsExpiry == .on
                || policy.rules.contains {
                    $0.overrides.jenkinsExpiry == .on && ($0.match.controller?.matches(config.id) ?? true)
                }
            guard demandsExpiry, check.reachable, !check.supportsNativeExpiry else { return nil }
            return "jenkins_expiry: on needs Jenkins 2.548 or later"
        }
    }
}

typealias Check = RotatorCommand.Check

/// `check --format`.
enum CheckFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json
}

/// One controller of `check --format json` (SPEC §8.10); `ok`, `csrf`, `native_expiry` and `plain_http` are
/// booleans (`plain_http`: plain http to a host off loopback, allowed by `allow_plain_http`, as the warning says), `actor`, `version` and `error` null when unknown.
struct CheckRow {
    var controller: String
    var url: String
    var ok: Bool
    var actor: String?
    var version: String?
    /// A crumb was fetched: the controller has CSRF protection on (false when it is off or was not reached).
    var csrf: Bool
    var nativeExpiry: Bool
    var plainHTTP: Bool
    var error: String?

    init(_ check: ControllerCheck, config: ControllerConfig, extraProblem: String?) {
        controller = config.id
        url = config.url.absoluteString
        ok = check.isHealthy && extraProblem == nil
        actor = check.authenticatedAs
        version = check.version?.description
        if case .fetched = check.crumb { csrf = true } else { csrf = false }
        nativeExpiry = check.supportsNativeExpiry
        plainHTTP = config.usesPlainHTTPOverNetwork
        error = [check.failure.map { "\($0)" }, extraProblem].compactMap { $0 }.first
    }

    /// A controller whose credential could not be read: never contacted.
    init(config: ControllerConfig, error: String) {
        controller = config.id
        url = config.url.absoluteString
        ok = false
        csrf = false
        nativeExpiry = false
        plainHTTP = config.usesPlainHTTPOverNetwork
        self.error = error
    }

    static func json(_ rows: [CheckRow]) -> String {
        func text(_ value: String?) -> String { value.map(JSONText.quote) ?? "null" }
        let objects = rows.map { row in
            "  {\"controller\": \(text(row.controller)), \"url\": \(text(row.url)), \"ok\": \(row.ok), "
                + "\"actor\": \(text(row.actor)), \"version\": \(text(row.version)), \"csrf\": \(row.csrf), "
                + "\"native_expiry\": \(row.nativeExpiry), \"plain_http\": \(row.plainHTTP), \"error\": \(text(row.error))}"
        }
        return "[\n" + objects.joined(separator: ",\n") + (objects.isEmpty ? "]\n" : "\n]\n")
    }
}
