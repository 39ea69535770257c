import Foundation

/// Problems the command line itself finds (files it cannot read or write).
enum CLIError: Error, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case unwritableFile(path: String, reason: String)
    case unfinishedRotation(uuid: String, rotationID: Int64?, step: String)

    var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritableFile(let path, let reason):
            "cannot write \(path): \(reason); check the folder exists and is writable"
        case .unfinishedRotation(let uuid, let rotationID, let step):
            "token \(uuid) has an unfinished rotation (#\(rotationID.map(String.init) ?? "?"), step \(step)); "
                + "run `token-rotator rotate` to settle it before removing the token"
        }
    }
}
