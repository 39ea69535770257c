import Foundation

/// What each ``Placeholder`` stands for in one rotation.
public struct PlaceholderValues: Sendable, Equatable {
    public var name: String
    public var user: String
    public var controller: String
    /// The instant of the rotation; `{date}` is its UTC day.
    public var rotationInstant: Date
    /// The rotation's journal id, as text.
    public var rotation: String

    public init(name: String, user: String, controller: String, rotationInstant: Date, rotation: String) {
        self.name = name
        self.user = user
        self.controller = controller
        self.rotationInstant = rotationInstant
        self.rotation = rotation
    }

    /// `{date}`: the UTC day of ``rotationInstant`` as `yyyy-MM-dd`.
    public var date: String { Timestamp.day(rotationInstant) }

    public func value(of placeholder: Placeholder) -> String {
        switch placeholder {
        case .name: name
        case .user: user
        case .controller: controller
        case .date: date
        case .rotation: rotation
        }
    }
}
