import Foundation
import Logging

/// Why a rotation could not start; it becomes the rotation's error text.
enum RotationSetupError: Error, CustomStringConvertible {
    case noCurrentValue(sinks: [String])
    case expiryUnsupported(controller: String, version: JenkinsVersion?)
    case noAdminCredential(controller: String)
    case noSinks

    var description: String {
        switch self {
        case .noCurrentValue(let sinks):
            let list = sinks.isEmpty ? "its rule has no file sink" : "none of \(sinks.joined(separator: ", ")) holds it"
            return "self mode needs the token's current value, but \(list); write the value there once (mode 0600)"
        case .expiryUnsupported(let controller, let version):
            return
                "jenkins_expiry: on, but controller \(controller) runs Jenkins \(version?.description ?? "of unknown version"), "
                + "older than 2.548 (no native token expiry); upgrade Jenkins or set jenkins_expiry: auto"
        case .noSinks:
            return "the rule delivers the new token nowhere (no deliver sinks); add a file or command sink"
        case .noAdminCredential(let controller):
            return "controller \(controller) has no auth block, which admin mode needs"
        }
    }
}
