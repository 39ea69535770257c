import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RotatorCore

extension JenkinsClient {
    /// `GET /whoAmI/api/json` with `credential` and no session cookie (a session could authenticate
    /// without the header being checked): the name Jenkins authenticated. A 401 throws an error whose
    /// `isUnauthorized` is true.
    public func whoAmI(_ credential: JenkinsCredential) async throws -> String {
        let request = JenkinsRequest(method: .GET, path: "whoAmI/api/json", credential: credential, step: "whoAmI")
        let response = try await send(request)
        guard response.status == 200 else {
            throw ResponseClassifier.failure(for: response, request: request, targetUser: nil)
        }
        let decoded = try ResponseClassifier.decodeJSON(
            WhoAmIResponse.self, from: response, expected: "whoAmI's JSON")
        requestLogger(request).debug("whoAmI", metadata: ["authenticated_as": .string(decoded.name)])
        return decoded.name
    }

    /// The version in `X-Jenkins`, read from `HEAD /`, else from `GET /api/json?tree=_class`.
    /// Nil when neither says (a proxy that strips the header).
    public func version(as credential: JenkinsCredential?) async throws -> JenkinsVersion? {
        let head = JenkinsRequest(method: .HEAD, path: "", credential: credential, step: "version")
        let headResponse = try await send(head)
        if headResponse.status == 401 {
            throw ResponseClassifier.failure(for: headResponse, request: head, targetUser: nil)
        }
        if let version = Self.advertisedVersion(headResponse) { return version }
        let api = JenkinsRequest(
            method: .GET, path: "api/json", query: "tree=_class", credential: credential, step: "version")
        let apiResponse = try await send(api)
        if let version = Self.advertisedVersion(apiResponse) { return version }
        if apiResponse.status != 200 {
            throw ResponseClassifier.failure(for: apiResponse, request: api, targetUser: nil)
        }
        return nil
    }

    static func advertisedVersion(_ response: JenkinsResponse) -> JenkinsVersion? {
        response.headers.first(name: "X-Jenkins").flatMap { JenkinsVersion($0) }
    }

    /// The probe behind `token-rotator check`: reach the controller and read its version, authenticate
    /// with `credential` (`/whoAmI`), and fetch a crumb. Read-only; a failed step ends the probe and is
    /// reported in ``ControllerCheck/failure``.
    public func check(as credential: JenkinsCredential?) async -> ControllerCheck {
        var result = ControllerCheck(controller: configuration.controller, url: root)
        do {
            let version = try await self.version(as: credential)
            result = ControllerCheck(
                controller: configuration.controller, url: root, reachable: true, version: version)
            guard let credential else { return result }
            result.authenticatedAs = try await whoAmI(credential)
            // A token credential gets a throwaway session: its cookie must never be sent back.
            let session = credential.kind == .password ? sessions.session(for: credential.user) : PasswordSession()
            switch try await fetchCrumb(as: credential, session: session) {
            case .crumb(let field, _): result.crumb = .fetched(field: field)
            case .csrfDisabled: result.crumb = .csrfDisabled
            }
        } catch let error as JenkinsClientError {
            result.failure = error
            result.reachable = result.reachable || Self.reachedJenkins(error)
        } catch {
            result.failure = .connectionLost(
                RequestSite(controller: configuration.controller, method: "GET", url: root, user: credential?.user),
                detail: "\(error)", responseMayBeLost: false)
        }
        logger.info(
            "checked controller",
            metadata: [
                "reachable": .stringConvertible(result.reachable),
                "version": .string(result.version?.description ?? "unknown"),
                "authenticated_as": .string(result.authenticatedAs ?? "-"),
                "healthy": .stringConvertible(result.isHealthy),
            ])
        return result
    }

    private static func reachedJenkins(_ error: JenkinsClientError) -> Bool {
        switch error {
        case .timeout, .connectionRefused, .connectionLost, .untrustedCertificate, .tlsFailure: return false
        default: return true
        }
    }
}
