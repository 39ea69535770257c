import Foundation
import Logging
import NIOHTTP1
import RotatorCore

extension JenkinsClient: CredentialStoreAPI {
    /// `…/credentials/store/<store>/domain/<domain>/credential/<id>/config.xml` under the store's owner
    /// (jenkins-api.md §10): the root for `system`, `user/<id>/` for a user's store, `job/<a>/job/<b>/` for a folder.
    static func credentialPath(_ location: CredentialLocation) -> String {
        let owner: String
        let storeName: String
        switch location.store {
        case .system:
            (owner, storeName) = ("", "system")
        case .user(let id):
            (owner, storeName) = ("user/" + URLEncoding.pathSegment(id) + "/", "user")
        case .folder(let path):
            (owner, storeName) = (path.map { "job/" + URLEncoding.pathSegment($0) + "/" }.joined(), "folder")
        }
        return owner + "credentials/store/\(storeName)/domain/" + URLEncoding.pathSegment(location.domain)
            + "/credential/" + URLEncoding.pathSegment(location.id) + "/config.xml"
    }

    /// `GET …/credential/<id>/config.xml`: the XML with every secret replaced by `<secret-redacted/>`.
    /// Needs Credentials/View. An unknown id throws ``JenkinsClientError/unknownCredential(_:id:)``.
    public func credentialXML(at location: CredentialLocation, as credential: JenkinsCredential?) async throws
        -> String
    {
        let request = JenkinsRequest(
            method: .GET, path: Self.credentialPath(location), credential: credential, step: "readCredential")
        let response = try await send(request)
        switch response.status {
        case 200:
            return response.bodyText
        case 404:
            throw JenkinsClientError.unknownCredential(response.site, id: location.id)
        default:
            throw ResponseClassifier.failure(for: response, request: request, targetUser: nil)
        }
    }

    /// `POST …/credential/<id>/config.xml` with the whole document: Jenkins replaces the credential and answers
    /// 200 with an empty body. Needs Credentials/Update. The document never reaches a log or an error.
    public func updateCredentialXML(
        _ document: Secret, at location: CredentialLocation, as credential: JenkinsCredential?
    ) async throws {
        var request = JenkinsRequest(
            method: .POST, path: Self.credentialPath(location), credential: credential, step: "updateCredential")
        request.xmlBody = document
        let response = try await send(request)
        switch response.status {
        case 200:
            requestLogger(request).info(
                "updated a Jenkins credential", metadata: ["credential": .string(location.description)])
        case 404:
            throw JenkinsClientError.unknownCredential(response.site, id: location.id)
        default:
            throw ResponseClassifier.failure(for: response, request: request, targetUser: nil)
        }
    }
}
