import Foundation
import Logging

/// Revokes a retiring token whose grace period has passed, or a due token unused for longer than
/// `revoke_unused_after` (SPEC §7, §8.7: outcome `retired`).
struct TokenRetirement {
    let context: RotationContext
    let connection: ControllerConnection
    let token: InventoryToken
    let settings: TokenSettings
    /// Why, for the event and the log (the plan's reason).
    let reason: String

    func run() async throws -> RotationResult {
        var result = RotationResult(
            controller: token.controller, user: token.user, name: token.name, oldUUID: token.uuid,
            newUUID: token.replacedBy, outcome: .retired)
        var metadata: Logger.Metadata = [
            "controller": "\(token.controller)", "user": "\(token.user)", "token": "\(token.name)",
            "uuid": "\(token.uuid)", "step": "retire",
        ]
        if let runID = context.runID { metadata["run_id"] = "\(runID)" }
        do {
            let credential = try await actingCredential()
            try await connection.api.revokeToken(user: token.user, uuid: token.uuid, as: credential)
        } catch {
            let message =
                "revoking the token failed (\(error)); it stays \(token.state.rawValue) and the next run retries"
            result.outcome = .failed
            result.error = message
            await connection.countFailure(error)
            let event = context.event(for: token, kind: "token.retire_failed", message)
            try await context.journal.append([event])
            context.logger.error("retire failed", metadata: metadata)
            return result
        }
        try await context.recordRevoked(token, "revoked: \(reason)")
        context.logger.info("retired: \(reason)", metadata: metadata)
        return result
    }

    /// Admin mode: the policy's identity. Self mode: the successor, whose value its file sink now holds.
    private func actingCredential() async throws -> JenkinsCredential {
        guard connection.config.mode == .self else {
            return try TokenRotation.actingCredential(connection, user: token.user, ownValue: nil, sinks: [])
        }
        let successor = try await token.replacedBy.asyncMap { try await context.inventory.token(uuid: $0) } ?? nil
        let values = PlaceholderValues(
            name: token.name, user: token.user, controller: token.controller, rotationInstant: context.now(),
            rotation: "0")
        let sinks = try context.sinks.makeSinks(settings.deliver, values: values)
        let value = try await TokenRotation.currentValue(in: sinks, fingerprint: successor?.fingerprint)
        return try TokenRotation.actingCredential(connection, user: token.user, ownValue: value, sinks: sinks)
    }
}
