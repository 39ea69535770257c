import Foundation

/// A freshly minted token on its way to its consumers, with the metadata a sink may record
/// beside it. Only ``value`` is secret; everything else may be logged.
public struct TokenDelivery: Sendable {
    /// The controller id from the policy, e.g. `ci-main`.
    public var controller: String
    /// The controller's base URL (`JENKINS_URL` in an env file).
    public var controllerURL: URL
    /// The Jenkins user the token authenticates as.
    public var user: String
    /// The name the new token was minted under.
    public var name: String
    /// The new token's uuid.
    public var uuid: String
    /// The uuid of the token this one replaces; nil for a first issue.
    public var oldUUID: String?
    /// When the new token was minted.
    public var created: Date
    /// The token value itself.
    public var value: Secret

    public init(
        controller: String, controllerURL: URL, user: String, name: String, uuid: String, oldUUID: String?,
        created: Date, value: Secret
    ) {
        self.controller = controller
        self.controllerURL = controllerURL
        self.user = user
        self.name = name
        self.uuid = uuid
        self.oldUUID = oldUUID
        self.created = created
        self.value = value
    }
}
