import Foundation

/// A placeholder that `token_name`, file sink paths and command sink argv may hold.
public enum Placeholder: String, Sendable, CaseIterable {
    /// The name of the token being rotated (as the inventory knows it).
    case name
    /// The Jenkins user the token belongs to.
    case user
    /// The controller id from the policy.
    case controller
    /// The day of the rotation, `yyyy-MM-dd` in UTC.
    case date
    /// The rotation's journal id.
    case rotation
}
