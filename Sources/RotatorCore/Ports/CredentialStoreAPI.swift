import Foundation

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
