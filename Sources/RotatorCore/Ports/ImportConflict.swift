/// An import refused because a uuid it brings is already in the inventory, where the inventory cannot tell whether
/// an earlier line of the same import put it there (PostgreSQL, across its 1,000-row chunks): the line and uuid,
/// so that the command can find that line in the file and name it.
public protocol ImportConflict: Error {
    /// The line and uuid of the refused row, when this error is such a conflict.
    var importConflict: (line: Int, uuid: String)? { get }
}
