import Foundation

/// A token Jenkins has just minted. Its value exists only here and in the sinks.
public struct MintedToken: Sendable, Equatable {
    public var name: String
    public var uuid: String
    public var value: Secret

    public init(name: String, uuid: String, value: Secret) {
        self.name = name
        self.uuid = uuid
        self.value = value
    }
}
