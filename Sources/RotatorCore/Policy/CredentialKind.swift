import Foundation

/// The credential kinds a `jenkins_credential` sink updates (jenkins-api.md §10, §15).
public enum CredentialKind: String, Sendable, Equatable, CaseIterable {
    /// `com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl`: the token goes in `<password>`.
    case usernamePassword = "username_password"
    /// `org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl`: the token goes in `<secret>`.
    case secretText = "secret_text"

    /// The XML root element: the credential's class.
    public var className: String {
        switch self {
        case .usernamePassword: "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl"
        case .secretText: "org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl"
        }
    }

    /// The element that holds the secret.
    public var secretElement: String {
        switch self {
        case .usernamePassword: "password"
        case .secretText: "secret"
        }
    }
}
