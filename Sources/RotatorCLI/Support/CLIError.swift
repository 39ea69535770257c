import Foundation

/// Problems the command line itself finds (files it cannot read or write).
enum CLIError: Error, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case unwritableFile(path: String, reason: String)
    case unfinishedRotation(uuid: String, rotationID: Int64?, step: String)
    /// A command that only reads the inventory found none (SPEC §8.2): it never creates one.
    case missingInventory(path: String)

    var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritableFile(let path, let reason):
            "cannot write \(path): \(reason); check the folder exists and is writable"
        case .unfinishedRotation(let uuid, let rotationID, let step):
            "token \(uuid) has an unfinished rotation (#\(rotationID.map(String.init) ?? "?"), step \(step)); "
                + "run `token-rotator rotate` to settle it before removing the token"
        case .missingInventory(let path):
            "no inventory at \(path); check --db or TOKEN_ROTATOR_DB, or create it with token-rotator migrate"
        }
    }
}
