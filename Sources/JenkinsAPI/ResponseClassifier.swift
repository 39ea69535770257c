import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RotatorCore

/// Reads Jenkins' status codes, headers and bodies the way jenkins-api.md §1 describes them.
enum ResponseClassifier {
    static let overallRead = "hudson.model.Hudson.Read"
    static let administer = "hudson.model.Hudson.Administer"

    /// The crumb 403 (`No valid crumb was included in the request`): a 403 on a POST whose body is a
    /// container error page, neither the empty 403 of generate, nor an Access Denied page (it carries
    /// `X-Required-Permission`/`X-You-Are-Authenticated-As`), nor the anonymous login redirect.
    static func isCrumbRejection(_ response: JenkinsResponse, request: JenkinsRequest) -> Bool {
        guard request.method == .POST, response.status == 403, !response.isEmptyBody else { return false }
        if response.headers.contains(name: "X-Required-Permission")
            || response.headers.contains(name: "X-You-Are-Authenticated-As")
        {
            return false
        }
        return !isLoginRedirect(response)
    }

    /// The anonymous 403 that sends a browser to `/login?from=…` (jenkins-api.md §1.1).
    static func isLoginRedirect(_ response: JenkinsResponse) -> Bool {
        guard response.status == 403 else { return false }
        let text = response.bodyText
        return text.contains("/login?from=") || text.contains("data-redirect-url")
    }

    /// The error for a status the call did not expect to succeed with.
    static func failure(
        for response: JenkinsResponse, request: JenkinsRequest, targetUser: String?
    ) -> JenkinsClientError {
        let site = response.site
        switch response.status {
        case 401:
            return .badCredentials(site)
        case 403:
            let permission = response.headers.first(name: "X-Required-Permission")
            if permission == overallRead { return .missingOverallRead(site) }
            if permission == administer, let targetUser { return .missingAdminister(site, targetUser: targetUser) }
            if permission != nil { return .permissionDenied(site, permission: permission) }
            if request.isGenerate, response.isEmptyBody {
                return .mintingForOtherUserForbidden(site, targetUser: targetUser ?? "?")
            }
            if isLoginRedirect(response) || request.credential == nil { return .loginRequired(site) }
            if isCrumbRejection(response, request: request) {
                return .crumbRejected(site, tokenAuth: request.credential?.kind == .apiToken)
            }
            return .permissionDenied(site, permission: nil)
        case 404 where targetUser != nil:
            return .unknownUser(site, targetUser: targetUser ?? "")
        case 500...599:
            return .serverError(site, status: response.status, responseMayBeLost: request.isGenerate)
        default:
            return .unexpectedStatus(site, status: response.status)
        }
    }

    /// Decodes a JSON body, or says what came instead (typically an HTML page from a proxy or login form).
    static func decodeJSON<T: Decodable>(
        _ type: T.Type, from response: JenkinsResponse, expected: String, responseMayBeLost: Bool = false
    ) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
        } catch {
            throw JenkinsClientError.malformedResponse(
                response.site, expected: expected, detail: describeBody(response),
                responseMayBeLost: responseMayBeLost)
        }
    }

    /// A short, secret-free description of a body that was not what a call expected.
    static func describeBody(_ response: JenkinsResponse) -> String {
        if response.isEmptyBody { return "an empty body" }
        let contentType = response.headers.first(name: "Content-Type") ?? "no content type"
        let text = response.bodyText
        if text.range(of: "<html", options: .caseInsensitive) != nil {
            let title = text.range(of: "<title>", options: .caseInsensitive).flatMap { start in
                text.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
                    .map {
                        String(text[start.upperBound..<$0.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
                    }
            }
            return "an HTML page (\(contentType)" + (title.map { ", title '\(String($0.prefix(80)))'" } ?? "") + ")"
        }
        return "\(response.body.readableBytes) bytes of \(contentType) that do not parse as the expected JSON"
    }
}
