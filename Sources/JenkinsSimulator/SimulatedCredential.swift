import Foundation

/// A credential of the credentials plugin, seeded into one of the simulator's stores (SPEC §6, second wave).
/// The secret is given in plain text so that tests can start from a known state; the simulator serves it
/// only redacted, as Jenkins does.
public struct SimulatedCredential: Sendable, Equatable {
    /// What kind of credential, by its class in the credentials plugins (jenkins-api.md §15).
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// `com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl`, secret in `<password>`.
        case usernamePassword = "username_password"
        /// `org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl`, secret in `<secret>`.
        case secretText = "secret_text"

        /// The XML root element (the class name XStream writes).
        public var className: String {
            switch self {
            case .usernamePassword: return "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl"
            case .secretText: return "org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl"
            }
        }

        /// The element that holds the secret.
        public var secretElement: String {
            switch self {
            case .usernamePassword: return "password"
            case .secretText: return "secret"
            }
        }

        /// The kind whose XML root element is `className`, if any.
        public init?(className: String) {
            guard let kind = Self.allCases.first(where: { $0.className == className }) else { return nil }
            self = kind
        }
    }

    /// `system`, `user:<id>` or `folder:<path/of/folders>`.
    public var store: String
    /// The domain, `_` for the global one.
    public var domain: String
    /// The credential id.
    public var id: String
    /// The kind.
    public var kind: Kind
    /// `GLOBAL` (default) or `SYSTEM`.
    public var scope: String
    /// The credential's `<description>`, may be empty.
    public var descriptionText: String
    /// The username (`username_password` only).
    public var username: String?
    /// The secret in plain text.
    public var secret: String

    /// Creates a credential.
    public init(
        store: String = "system", domain: String = "_", id: String, kind: Kind, scope: String = "GLOBAL",
        descriptionText: String = "", username: String? = nil, secret: String
    ) {
        self.store = store
        self.domain = domain
        self.id = id
        self.kind = kind
        self.scope = scope
        self.descriptionText = descriptionText
        self.username = username
        self.secret = secret
    }
}

extension SimulatedCredential: CustomStringConvertible {
    /// Never shows the secret.
    public var description: String {
        "SimulatedCredential(store: \(store), domain: \(domain), id: \(id), kind: \(kind.rawValue), secret: ***)"
    }
}

/// What a test may see of a stored credential: the redacted XML and a digest of the secret, never the secret.
public struct CredentialSnapshot: Sendable, Equatable, Codable {
    /// `system`, `user:<id>` or `folder:<path>`.
    public var store: String
    /// The domain.
    public var domain: String
    /// The credential id.
    public var id: String
    /// `username_password` or `secret_text`.
    public var kind: String
    /// Lowercase hex SHA-256 of the stored secret exactly as stored (whitespace included).
    public var secretSHA256: String
    /// The document `GET …/config.xml` answers now (secret redacted).
    public var redactedXML: String
}
