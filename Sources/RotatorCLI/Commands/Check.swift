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

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let policy = try global.loadPolicy(env)
            env.stdout.write(
                "policy \(policy.source): valid (\(policy.controllers.count) controllers, \(policy.rules.count) rules)\n"
            )
            let healthy = try await LiveJenkins.withControllers(policy: policy, ids: Set(controllers), env: env) {
                controllers in
                var allHealthy = true
                for controller in controllers {
                    let line: String
                    switch controller.credential {
                    case .failure(let error):
                        line = "FAIL \(controller.config.id) \(controller.config.url.absoluteString): \(error)"
                        allHealthy = false
                    case .success(let credential):
                        let check = await controller.client.check(as: credential)
                        let expiryProblem = Self.expiryProblem(check, policy, controller.config)
                        line = Self.describe(
                            check, config: controller.config, hasCredential: credential != nil,
                            extraProblem: expiryProblem)
                        allHealthy = allHealthy && check.isHealthy && expiryProblem == nil
                    }
                    env.stdout.write(line + "\n")
                }
                return allHealthy
            }
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
