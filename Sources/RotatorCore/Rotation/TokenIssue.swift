import Foundation
import Logging

/// `issue`: mints a new managed token, delivers it by policy, verifies and records it.
public struct TokenIssue: Sendable {
    public var context: RotationContext
    public var connection: ControllerConnection

    public init(context: RotationContext, connection: ControllerConnection) {
        self.context = context
        self.connection = connection
    }

    public func issue(user: String, name: String, reveal: (@Sendable (Secret) -> Void)?) async throws -> RotationResult
    {
        let template = InventoryToken(
            controller: connection.config.id, user: user, name: name, uuid: "", created: context.now())
        let settings = context.policy.resolve(controller: connection.config.id, user: user, name: name).settings
        return try await TokenRotation(
            context: context, connection: connection, token: template, settings: settings, reveal: reveal
        ).run()
    }
}
