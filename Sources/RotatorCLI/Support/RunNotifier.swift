import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RotatorCore
import TokenSinks

/// Sends the end-of-run notification of the policy's `notify:` (SPEC §8.8): a webhook POST and/or a command, each
/// at most once, when one of the `on` events applies. A failing notification is logged and never changes the exit
/// code, so ``send(_:config:policy:env:)`` never throws.
enum RunNotifier {
    /// How long the webhook may take.
    static let webhookTimeout: TimeAmount = .seconds(10)

    /// The hook at the end of `rotate`: builds the notification (counting overdue tokens only when `overdue` is
    /// one of the events) and sends it.
    static func send(
        _ summary: RunSummary, exitCode: ExitStatus, policy: RotationPolicy, inventory: any InventoryDatabase,
        asOf: Date,
        env: CommandEnvironment
    ) async {
        guard let config = policy.notify else { return }
        var overdue = 0
        if config.on.contains(.overdue) {
            do {
                try await inventory.forEachToken(includeRevoked: false) { token in
                    let assessment = TokenAssessment(token: token, policy: policy, asOf: asOf)
                    if assessment.isManaged && assessment.overdue { overdue += 1 }
                }
            } catch {
                env.logger.error("could not count overdue tokens for the notification", metadata: ["error": "\(error)"])
            }
        }
        let notification = RunNotification(summary: summary, exitCode: Int(exitCode.rawValue), overdue: overdue)
        await send(notification, config: config, policy: policy, env: env)
    }

    static func send(
        _ notification: RunNotification, config: NotifyConfig?, policy: RotationPolicy, env: CommandEnvironment
    ) async {
        guard let config, !notification.matches(config.on).isEmpty else { return }
        let payload: [UInt8]
        do {
            payload = try notification.json()
        } catch {
            env.logger.error("could not build the notification", metadata: ["error": "\(error)"])
            return
        }
        if let webhook = config.webhook {
            do {
                try await post(payload, to: webhook, env: env)
                env.logger.info("notification sent", metadata: ["webhook": "\(webhook.redactedURL)"])
            } catch {
                env.logger.error(
                    "the notification webhook failed; the run's exit code is unchanged",
                    metadata: ["webhook": "\(webhook.redactedURL)", "error": "\(error)"])
            }
        }
        if let argv = config.command {
            let command = NotificationCommand(
                argv: argv, scrubbedVariables: Set(policy.namedSecretVariables), baseEnvironment: env.variables,
                logger: env.logger)
            do {
                try await command.send(payload)
                env.logger.info("notification sent", metadata: ["command": "\(argv[0])"])
            } catch {
                env.logger.error(
                    "the notification command failed; the run's exit code is unchanged",
                    metadata: ["command": "\(argv[0])", "error": "\(error)"])
            }
        }
    }

    enum WebhookError: Error, CustomStringConvertible {
        case missingToken(variable: String)
        case status(Int)

        var description: String {
            switch self {
            case .missingToken(let variable): "the bearer token variable \(variable) is not set"
            case .status(let status): "the webhook answered HTTP \(status)"
            }
        }
    }

    /// `POST` the payload as `application/json`, with `Authorization: Bearer …` when `token_env` is set.
    static func post(_ payload: [UInt8], to webhook: NotifyConfig.Webhook, env: CommandEnvironment) async throws {
        var request = HTTPClientRequest(url: webhook.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "token-rotator/\(TokenRotatorVersion.current)")
        if let variable = webhook.tokenEnvironmentVariable {
            guard let token = env.variables[variable], !token.isEmpty else {
                throw WebhookError.missingToken(variable: variable)
            }
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        request.body = .bytes(ByteBuffer(bytes: payload))
        let response = try await HTTPClient.shared.execute(request, timeout: webhookTimeout)
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw WebhookError.status(Int(response.status.code))
        }
    }
}
