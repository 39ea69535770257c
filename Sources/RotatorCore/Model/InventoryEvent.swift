import Foundation

/// An append-only record of one thing that happened. Never holds a secret.
public struct InventoryEvent: Sendable, Equatable, Codable {
    public var id: Int64?
    public var at: Date
    public var runID: Int64?
    public var rotationID: Int64?
    public var controller: String?
    public var user: String?
    public var name: String?
    public var uuid: String?
    /// A short machine-readable kind: `token.added`, `rotation.minted`, `token.revoked`, …
    public var kind: String
    public var message: String

    public init(
        id: Int64? = nil, at: Date, runID: Int64? = nil, rotationID: Int64? = nil, controller: String? = nil,
        user: String? = nil, name: String? = nil, uuid: String? = nil, kind: String, message: String
    ) {
        self.id = id
        self.at = at
        self.runID = runID
        self.rotationID = rotationID
        self.controller = controller
        self.user = user
        self.name = name
        self.uuid = uuid
        self.kind = kind
        self.message = message
    }
}
