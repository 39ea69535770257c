import Foundation

/// Who a Jenkins call authenticates as: a user id and either an API token or a password.
public struct JenkinsCredential: Sendable, Equatable {
    public var user: String
    public var secret: Secret
    public var kind: AuthReference.Kind

    public init(user: String, secret: Secret, kind: AuthReference.Kind) {
        self.user = user
        self.secret = secret
        self.kind = kind
    }
}
