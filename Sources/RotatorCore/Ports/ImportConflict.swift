/// An import refused because a uuid it brings is already in the inventory: the line and uuid, so that the command
/// can tell a uuid that an earlier line of the same file put there (and name that line) from one that was there.
public protocol ImportConflict: Error {
    /// The line and uuid of the refused row, when this error is such a conflict.
    var importConflict: (line: Int, uuid: String)? { get }
}
