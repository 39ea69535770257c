import Foundation

/// Why a secret could not be read. Names the variable or the file; never holds the value.
public enum SecretResolutionError: Error, CustomStringConvertible, Equatable, Sendable {
    case variableMissing(String)
    case variableEmpty(String)
    case fileMissing(String)
    case fileUnreadable(String, reason: String)
    case fileEmpty(String)

    public var description: String {
        switch self {
        case .variableMissing(let name):
            return "environment variable \(name) is not set; export it (the policy's *_env key names it) "
                + "before running token-rotator"
        case .variableEmpty(let name):
            return "environment variable \(name) is empty; set it to the Jenkins token or password"
        case .fileMissing(let path):
            return "secret file \(path) does not exist; create it with the token or password (mode 0600)"
        case .fileUnreadable(let path, let reason):
            return "secret file \(path) cannot be read (\(reason)); "
                + "make it a UTF-8 file readable by the user running token-rotator"
        case .fileEmpty(let path):
            return "secret file \(path) is empty; write the token or password into it"
        }
    }
}
