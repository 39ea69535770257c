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

/// One consumer of new token values: a file, a command, … (SPEC §3 "Sinks").
///
/// The rotation engine delivers each new value to every sink of the token's rule and touches the
/// old token only once all of them succeeded. `TokenSinks` implements the sinks of the policy;
/// tests may use fakes.
public protocol SecretSink: Sendable, CustomStringConvertible {
    /// What and where, for logs and errors, e.g. `file /var/lib/token-rotator/ci/alice/ci.token (raw)`.
    /// Never contains the value.
    var description: String { get }

    /// Hands the value over. Returns only once the consumer holds it durably; throws otherwise.
    func deliver(_ delivery: TokenDelivery) async throws
}
