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

/// Where a credential lives: `<store>/domain/<domain>/credential/<id>` (jenkins-api.md §10).
public struct CredentialLocation: Sendable, Equatable, CustomStringConvertible {
    /// A credentials store.
    public enum Store: Sendable, Equatable, CustomStringConvertible {
        /// `/credentials/store/system/…`: Jenkins' global store.
        case system
        /// `/user/<id>/credentials/store/user/…`: open to that user only, administrators included out.
        case user(String)
        /// `/job/<a>/job/<b>/credentials/store/folder/…`: a folder's store.
        case folder([String])

        /// Parses `system`, `user:<id>` or `folder:<a/b>`.
        public init?(_ text: String) {
            if text == "system" {
                self = .system
            } else if text.hasPrefix("user:"), text.count > 5 {
                self = .user(String(text.dropFirst(5)))
            } else if text.hasPrefix("folder:") {
                let path = text.dropFirst(7).split(separator: "/").map(String.init)
                guard !path.isEmpty else { return nil }
                self = .folder(path)
            } else {
                return nil
            }
        }

        public var description: String {
            switch self {
            case .system: "system"
            case .user(let id): "user:\(id)"
            case .folder(let path): "folder:\(path.joined(separator: "/"))"
            }
        }
    }

    public var store: Store
    /// `_` for the global domain.
    public var domain: String
    public var id: String

    public init(store: Store, domain: String = "_", id: String) {
        self.store = store
        self.domain = domain
        self.id = id
    }

    /// `system _/ci-bot`, for logs and errors.
    public var description: String { "\(store) \(domain)/\(id)" }
}

/// The credentials plugin's endpoints a `jenkins_credential` sink needs on one controller (jenkins-api.md §10).
/// `JenkinsAPI.JenkinsClient` implements it over HTTP; tests may use fakes.
public protocol CredentialStoreAPI: Sendable {
    /// `GET …/credential/<id>/config.xml`: the credential's XML, secrets replaced by `<secret-redacted/>`.
    /// Needs Credentials/View; an unknown id throws.
    func credentialXML(at location: CredentialLocation, as credential: JenkinsCredential?) async throws -> String

    /// `POST …/credential/<id>/config.xml` with the whole document, the new secret in plain text: replaces the
    /// credential. Needs Credentials/Update. The document is a secret: it never reaches a log or an error.
    func updateCredentialXML(
        _ document: Secret, at location: CredentialLocation, as credential: JenkinsCredential?
    ) async throws
}
