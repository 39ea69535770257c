import Foundation
import Logging
import RotatorCore

/// A credential in a Jenkins credentials store, on any controller of the policy (SPEC §8.6): delivery reads the
/// credential's redacted XML, puts the value into its secret element, and posts the whole document back.
/// Delivering the old value again undoes a delivery, so it goes before the sinks that cannot be undone.
public struct JenkinsCredentialSink: SecretSink {
    public var controller: String
    public var location: CredentialLocation
    public var kind: CredentialKind
    var api: any CredentialStoreAPI
    var credential: JenkinsCredential?
    var logger: Logger

    public init(
        controller: String, location: CredentialLocation, kind: CredentialKind, api: any CredentialStoreAPI,
        credential: JenkinsCredential?, logger: Logger
    ) {
        self.controller = controller
        self.location = location
        self.kind = kind
        self.api = api
        self.credential = credential
        self.logger = logger
    }

    /// `jenkins_credential ci-agents system _/alice-jenkins-token (username_password)`: never the value.
    public var description: String {
        "jenkins_credential \(controller) \(location) (\(kind.rawValue))"
    }

    public var rollback: SinkRollback { .redeliversOldValue }

    public func deliver(_ delivery: TokenDelivery) async throws {
        let current: String
        do {
            current = try await api.credentialXML(at: location, as: credential)
        } catch {
            throw SinkError.credentialUnavailable(sink: description, reason: "\(error)")
        }
        let updated: Secret
        do {
            updated = try CredentialXMLEdit.replacingSecret(in: current, kind: kind, with: delivery.value)
        } catch let problem as CredentialXMLEdit.Problem {
            throw SinkError.credentialMismatch(sink: description, problem: problem.explanation(kind))
        }
        do {
            try await api.updateCredentialXML(updated, at: location, as: credential)
        } catch {
            throw SinkError.credentialUpdateFailed(sink: description, reason: "\(error)")
        }
        logger.info(
            "delivered the token to a Jenkins credential",
            metadata: [
                "sink": "\(description)", "user": "\(delivery.user)", "token": "\(delivery.name)",
                "uuid": "\(delivery.uuid)",
            ])
    }
}

extension CredentialXMLEdit.Problem {
    func explanation(_ kind: CredentialKind) -> String {
        switch self {
        case .otherKind(let found):
            "the credential is a \(found), not a \(kind.rawValue) credential; fix kind in the policy"
        case .secretElementCount(let count):
            "its XML holds \(count) <\(kind.secretElement)> elements where one was expected"
        }
    }
}
