import Foundation

/// Problems the command line itself finds (files it cannot read or write, tokens it may not touch now).
enum CLIError: Error, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case unwritableFile(path: String, reason: String)
    case unfinishedRotation(uuid: String, rotationID: Int64?, step: String)
    case unknownUUID(inventory: String, uuid: String)
    /// Another rotator sharing the inventory holds an unexpired claim on the token.
    case tokenClaimed(uuid: String, runID: Int64?)

    var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritableFile(let path, let reason):
            "cannot write \(path): \(reason); check the folder exists and is writable"
        case .unfinishedRotation(let uuid, let rotationID, let step):
            "token \(uuid) has an unfinished rotation (#\(rotationID.map(String.init) ?? "?"), step \(step)); "
                + "run `token-rotator rotate` to settle it before removing the token"
        case .unknownUUID(let inventory, let uuid):
            "inventory \(inventory): no token with uuid \(uuid); `token-rotator inventory list --all` shows the known "
                + "tokens"
        case .tokenClaimed(let uuid, let runID):
            "token \(uuid) is claimed by run \(runID.map(String.init) ?? "?") of another rotator sharing this "
                + "inventory; try again once that run has finished (or its claim's lease has expired)"
        }
    }
}
