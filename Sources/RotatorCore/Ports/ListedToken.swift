import Foundation

/// A token as listed on a user's security page: Jenkins shows no value and no usable date.
public struct ListedToken: Sendable, Equatable {
    public var name: String
    public var uuid: String

    public init(name: String, uuid: String) {
        self.name = name
        self.uuid = uuid
    }
}
