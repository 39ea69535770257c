import Foundation

/// Where a secret comes from. Never the secret itself.
public enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(String)
}

public struct AuthReference: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case apiToken = "token"
        case password
    }

    public var user: String
    public var kind: Kind
    public var source: SecretSource

    public init(user: String, kind: Kind, source: SecretSource) {
        self.user = user
        self.kind = kind
        self.source = source
    }
}
