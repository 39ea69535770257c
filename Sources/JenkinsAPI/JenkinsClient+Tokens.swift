import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RotatorCore

extension JenkinsClient {
    static let tokenPropertyPath = "descriptorByName/jenkins.security.ApiTokenProperty/"

    func userPath(_ user: String) -> String {
        "user/" + URLEncoding.pathSegment(user) + "/"
    }

    /// `POST /user/<user>/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken` with
    /// `newTokenName` and, when given, `expirationDuration=<days>` (honoured from Jenkins 2.548).
    ///
    /// Sent at most once: a lost answer throws an error whose `responseMayBeLost` is true, because the
    /// token may exist. The value is checked against `^11[0-9a-f]{32}$`.
    public func generateToken(
        forUser user: String, name: String, expirationDays: Int?, as credential: JenkinsCredential
    ) async throws -> MintedToken {
        var form = [("newTokenName", name)]
        if let expirationDays { form.append(("expirationDuration", String(expirationDays))) }
        let request = JenkinsRequest(
            method: .POST, path: userPath(user) + Self.tokenPropertyPath + "generateNewToken", form: form,
            credential: credential, step: "generate", isGenerate: true)
        let logger = requestLogger(request)
        logger.info("generating an API token", metadata: ["user": .string(user), "token": .string(name)])
        let response = try await send(request)
        guard response.status == 200 else {
            throw ResponseClassifier.failure(for: response, request: request, targetUser: user)
        }
        let decoded = try ResponseClassifier.decodeJSON(
            GenerateTokenResponse.self, from: response, expected: "generateNewToken's JSON",
            responseMayBeLost: true)
        guard decoded.status == "ok" else {
            if decoded.status == "error" {
                throw JenkinsClientError.jenkinsReportedError(
                    response.site, message: decoded.message ?? "(no message)")
            }
            throw JenkinsClientError.malformedResponse(
                response.site, expected: "status \"ok\"", detail: "status \"\(decoded.status)\"",
                responseMayBeLost: true)
        }
        guard let data = decoded.data, let uuid = data.tokenUuid, !uuid.isEmpty else {
            throw JenkinsClientError.malformedResponse(
                response.site, expected: "data.tokenUuid", detail: "no token uuid", responseMayBeLost: true)
        }
        guard let value = data.tokenValue, Self.isWellFormedTokenValue(value) else {
            throw JenkinsClientError.malformedResponse(
                response.site, expected: "a token value matching ^11[0-9a-f]{32}$",
                detail: "a value of another shape (uuid \(uuid))", responseMayBeLost: true)
        }
        let minted = MintedToken(name: data.tokenName ?? name, uuid: uuid, value: Secret(value))
        logger.info(
            "generated an API token",
            metadata: [
                "user": .string(user), "token": .string(minted.name), "uuid": .string(uuid),
                "fingerprint": .string(minted.value.fingerprint),
            ])
        return minted
    }

    /// `^11[0-9a-f]{32}$`: what Jenkins 2.129 and later issues.
    static func isWellFormedTokenValue(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 34, bytes[0] == UInt8(ascii: "1"), bytes[1] == UInt8(ascii: "1") else { return false }
        return bytes.dropFirst(2).allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }

    /// `POST /user/<user>/descriptorByName/jenkins.security.ApiTokenProperty/revoke` with `tokenUuid`.
    /// Jenkins answers 200 whether or not the uuid existed; confirm with ``whoAmI(_:)`` where the old
    /// value is at hand.
    public func revokeToken(user: String, uuid: String, as credential: JenkinsCredential) async throws {
        let request = JenkinsRequest(
            method: .POST, path: userPath(user) + Self.tokenPropertyPath + "revoke", form: [("tokenUuid", uuid)],
            credential: credential, step: "revoke", uuid: uuid)
        let response = try await send(request)
        guard response.status == 200 else {
            throw ResponseClassifier.failure(for: response, request: request, targetUser: user)
        }
        requestLogger(request).info("revoked an API token", metadata: ["user": .string(user)])
    }

    /// The tokens listed on `/user/<user>/security/`, or on `/user/<user>/configure` for Jenkins
    /// before 2.468 (which answers 404 for `security/`). Names, uuids, and the creation and usage the page
    /// shows; never values. A page without the API-token section throws: it is no evidence of "no tokens".
    public func listTokens(user: String, as credential: JenkinsCredential) async throws -> [ListedToken] {
        var request = JenkinsRequest(
            method: .GET, path: userPath(user) + "security/", credential: credential, step: "listTokens")
        var response = try await send(request)
        if response.status == 404 {
            request.path = userPath(user) + "configure"
            response = try await send(request)
        }
        guard response.status == 200 else {
            throw ResponseClassifier.failure(for: response, request: request, targetUser: user)
        }
        // Only the API-token section proves what the user holds: a page without it (a proxy's or a plugin's
        // rendering, a login form) is never "no tokens".
        guard let page = TokenPageScraper.page(response.bodyText) else {
            throw JenkinsClientError.malformedResponse(
                response.site, expected: "the API-token section (div.token-list) of the user's security page",
                detail: ResponseClassifier.describeBody(response), responseMayBeLost: false)
        }
        let tokens = page.tokens
        requestLogger(request).debug(
            "listed API tokens", metadata: ["user": .string(user), "count": .stringConvertible(tokens.count)])
        return tokens
    }
}
