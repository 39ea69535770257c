import Foundation

/// A `jenkins_credential` sink of the policy (SPEC §8.6): the credential a new token value is written into.
public struct JenkinsCredentialSinkConfig: Sendable, Equatable {
    /// A controller of this policy; its `auth` identity needs Credentials/Update on the store.
    public var controller: String
    public var store: CredentialLocation.Store
    public var domain: String
    /// The credential id; placeholders allowed.
    public var id: String
    public var kind: CredentialKind

    public init(
        controller: String, store: CredentialLocation.Store = .system, domain: String = "_", id: String,
        kind: CredentialKind
    ) {
        self.controller = controller
        self.store = store
        self.domain = domain
        self.id = id
        self.kind = kind
    }
}
