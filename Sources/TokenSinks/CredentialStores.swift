import Foundation
import RotatorCore

/// One controller's credentials stores, as a `jenkins_credential` sink reaches them.
public struct CredentialStoreEndpoint: Sendable {
    public var api: any CredentialStoreAPI
    /// The controller's `auth` identity.
    public var credential: JenkinsCredential?

    public init(api: any CredentialStoreAPI, credential: JenkinsCredential?) {
        self.api = api
        self.credential = credential
    }
}

/// The credentials stores a command may write to, by controller id. The command line sets it, with one client per
/// controller that a `jenkins_credential` sink names, for the duration of the work that may deliver (and its child
/// tasks), so that every ``SinkFactory`` built for that work reaches them.
public enum CredentialStores {
    @TaskLocal public static var current: [String: CredentialStoreEndpoint] = [:]
}
