import Foundation
import Logging

/// `revoke --uuid`: revokes one inventory token now, confirms it is dead where its value is at hand,
/// and records it.
public struct TokenRevocation: Sendable {
    public var context: RotationContext
    public var connection: ControllerConnection

    public init(context: RotationContext, connection: ControllerConnection) {
        self.context = context
        self.connection = connection
    }

    public func revoke(_ token: InventoryToken) async throws -> RotationResult {
        let settings = context.policy.resolve(controller: token.controller, user: token.user, name: token.name).settings
        let values = PlaceholderValues(
            name: token.name, user: token.user, controller: token.controller, rotationInstant: context.now(),
            rotation: "0")
        var result = RotationResult(
            controller: token.controller, user: token.user, name: token.name, oldUUID: token.uuid, outcome: .retired)
        do {
            let sinks = try context.sinks.makeSinks(settings.deliver, values: values)
            let ownValue = try await TokenRotation.currentValue(in: sinks, fingerprint: token.fingerprint)
            let credential = try TokenRotation.actingCredential(
                connection, user: token.user, ownValue: ownValue, sinks: sinks)
            try await connection.api.revokeToken(user: token.user, uuid: token.uuid, as: credential)
            if let ownValue, token.fingerprint == nil || ownValue.fingerprint == token.fingerprint,
                let problem = await TokenRotation.confirmDead(
                    api: connection.api,
                    credential: JenkinsCredential(user: token.user, secret: ownValue, kind: .apiToken))
            {
                result.outcome = .failed
                result.error = problem
                return result
            }
        } catch {
            result.outcome = .failed
            result.error = "revoking \(token.uuid) failed: \(error)"
            return result
        }
        try await context.recordRevoked(token, "revoked by revoke --uuid")
        context.logger.info(
            "revoked",
            metadata: ["controller": "\(token.controller)", "user": "\(token.user)", "uuid": "\(token.uuid)"])
        return result
    }
}
