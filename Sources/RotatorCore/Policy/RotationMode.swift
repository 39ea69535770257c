import Foundation

/// How the tool authenticates its token calls on a controller.
public enum RotationMode: String, Sendable, Codable {
    /// The policy's `auth` identity mints and revokes through `/user/<id>/…`.
    case admin
    /// Each token authenticates its own rotation; its current value is read from its file sink.
    case `self`
}
