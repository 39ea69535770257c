import RotatorCore

/// Where a failed Jenkins call went: enough for an admin to find it, never a secret.
public struct RequestSite: Sendable, Equatable, CustomStringConvertible {
    /// The controller id from the policy.
    public var controller: String
    public var method: String
    /// The full URL, without credentials or form parameters.
    public var url: String
    /// The user the call authenticated as, nil for an anonymous call.
    public var user: String?

    public init(controller: String, method: String, url: String, user: String?) {
        self.controller = controller
        self.method = method
        self.url = url
        self.user = user
    }

    public var description: String { "controller '\(controller)': \(method) \(url)" }
}

/// Why a call to Jenkins failed, classified for the rotation engine (``RotatorCore/JenkinsFailure``).
/// Every message names the controller and URL and says what to do; none carries a token or password.
public enum JenkinsClientError: JenkinsFailure, Equatable {
    /// 401: the user/token or user/password pair does not authenticate.
    case badCredentials(RequestSite)
    /// 403 with `X-Required-Permission: hudson.model.Hudson.Read`.
    case missingOverallRead(RequestSite)
    /// 403 Access Denied on revoke (or the security page) for another user's tokens:
    /// `X-Required-Permission: hudson.model.Hudson.Administer`.
    case missingAdminister(RequestSite, targetUser: String)
    /// Any other Access Denied page; `permission` is `X-Required-Permission` when Jenkins sent it.
    case permissionDenied(RequestSite, permission: String?)
    /// The empty-body 403 of `generateNewToken`: the caller may not mint tokens for `targetUser`.
    case mintingForOtherUserForbidden(RequestSite, targetUser: String)
    /// Jenkins rejected the CSRF crumb again after a fresh one was fetched, or demanded one from a call
    /// authenticated with what was declared as an API token.
    case crumbRejected(RequestSite, tokenAuth: Bool)
    /// 404 on `/user/<id>/…`.
    case unknownUser(RequestSite, targetUser: String)
    /// The anonymous 403 (a page that redirects to `/login`): Jenkins saw no credentials.
    case loginRequired(RequestSite)
    /// The controller's certificate is not trusted (or does not match the host name).
    case untrustedCertificate(RequestSite, detail: String)
    /// Any other TLS failure, including an unreadable `ca_file`.
    case tlsFailure(RequestSite, detail: String)
    /// No answer within the per-request timeout.
    case timeout(RequestSite, seconds: Double, responseMayBeLost: Bool)
    /// Nothing listens at the URL (or the host cannot be reached or resolved).
    case connectionRefused(RequestSite, detail: String)
    /// The connection broke while the request was in flight.
    case connectionLost(RequestSite, detail: String, responseMayBeLost: Bool)
    /// 5xx.
    case serverError(RequestSite, status: Int, responseMayBeLost: Bool)
    /// A status this call does not expect (400, 405, 404 outside `/user/…`, …).
    case unexpectedStatus(RequestSite, status: Int)
    /// A body that is not what the call expects: HTML where JSON was expected, missing fields, a token
    /// value of the wrong shape. For a generate that Jenkins answered with 200, the token may exist.
    case malformedResponse(RequestSite, expected: String, detail: String, responseMayBeLost: Bool)
    /// HTTP 200 carrying `{"status":"error","message":…}`.
    case jenkinsReportedError(RequestSite, message: String)
    /// HTTP 404 for a credential of the credentials plugin: no such id in that store and domain.
    case unknownCredential(RequestSite, id: String)

    public var site: RequestSite {
        switch self {
        case .badCredentials(let site), .missingOverallRead(let site), .missingAdminister(let site, _),
            .permissionDenied(let site, _), .mintingForOtherUserForbidden(let site, _), .crumbRejected(let site, _),
            .unknownUser(let site, _), .loginRequired(let site), .untrustedCertificate(let site, _),
            .tlsFailure(let site, _), .timeout(let site, _, _), .connectionRefused(let site, _),
            .connectionLost(let site, _, _), .serverError(let site, _, _), .unexpectedStatus(let site, _),
            .malformedResponse(let site, _, _, _), .jenkinsReportedError(let site, _),
            .unknownCredential(let site, _):
            return site
        }
    }

    public var isRetryable: Bool {
        switch self {
        case .timeout(_, _, let lost), .connectionLost(_, _, let lost), .serverError(_, _, let lost):
            return !lost
        case .connectionRefused:
            return true
        default:
            return false
        }
    }

    public var stopsController: Bool {
        switch self {
        case .badCredentials, .missingOverallRead, .missingAdminister, .permissionDenied,
            .mintingForOtherUserForbidden, .crumbRejected, .loginRequired, .untrustedCertificate, .tlsFailure:
            return true
        default:
            return false
        }
    }

    public var responseMayBeLost: Bool {
        switch self {
        case .timeout(_, _, let lost), .connectionLost(_, _, let lost), .serverError(_, _, let lost),
            .malformedResponse(_, _, _, let lost):
            return lost
        default:
            return false
        }
    }

    public var isUnauthorized: Bool {
        if case .badCredentials = self { return true }
        return false
    }

    public var description: String {
        let site = self.site
        let who = site.user.map { "'\($0)'" } ?? "the anonymous user"
        let lostNote =
            " The request may have reached Jenkins, so a token may exist: do not resend it; "
            + "look for it on the user's security page (or run reconcile)."
        switch self {
        case .badCredentials:
            return "\(site): Jenkins rejected the credentials of \(who) (HTTP 401). "
                + "The token or password is wrong, revoked or expired; update the secret the policy points to."
        case .missingOverallRead:
            return "\(site): \(who) lacks the Overall/Read permission (HTTP 403, "
                + "X-Required-Permission: hudson.model.Hudson.Read). Grant it in Manage Jenkins › Security."
        case .missingAdminister(_, let target):
            return "\(site): \(who) may not manage the tokens of '\(target)' (HTTP 403, "
                + "X-Required-Permission: hudson.model.Hudson.Administer). "
                + "Use an account with Overall/Administer, or `mode: self`."
        case .permissionDenied(_, let permission):
            return "\(site): access denied for \(who) (HTTP 403"
                + (permission.map { ", X-Required-Permission: \($0)" } ?? "")
                + "). Grant the permission or use another account."
        case .mintingForOtherUserForbidden(_, let target):
            return "\(site): Jenkins refused to let \(who) generate a token for '\(target)' (empty HTTP 403). "
                + "Admins may mint tokens for other users only when Jenkins runs with "
                + "-Djenkins.security.ApiTokenProperty.adminCanGenerateNewTokens=true; "
                + "set that system property, or use `mode: self` for this controller."
        case .crumbRejected(_, let tokenAuth):
            if tokenAuth {
                return "\(site): Jenkins demanded a CSRF crumb (HTTP 403 'No valid crumb') from \(who), "
                    + "although the credential is declared as an API token, which Jenkins exempts. "
                    + "The secret is probably a password: declare it with password_env or password_file."
            }
            return "\(site): Jenkins rejected the CSRF crumb of \(who) twice (HTTP 403 'No valid crumb'), "
                + "even after a fresh crumb and session. A proxy may be dropping the session cookie, "
                + "or sticky sessions are missing behind a load balancer; stopping work on this controller."
        case .unknownUser(_, let target):
            return "\(site): Jenkins has no user '\(target)' (HTTP 404). Check the user id in the inventory or policy."
        case .loginRequired:
            return "\(site): Jenkins treated the call as anonymous and asked for a login (HTTP 403 to /login). "
                + "Configure `auth` for this controller."
        case .untrustedCertificate(_, let detail):
            return "\(site): the controller's TLS certificate is not trusted (\(detail)). "
                + "Set `ca_file` in the policy to the PEM of the CA that signed it."
        case .tlsFailure(_, let detail):
            return "\(site): TLS failed (\(detail)). Check the URL's scheme and port, and `ca_file`."
        case .timeout(_, let seconds, let lost):
            return "\(site): no answer within \(Self.format(seconds)) s (the policy's `timeout`)."
                + (lost ? lostNote : " The controller is slow or unreachable.")
        case .connectionRefused(_, let detail):
            return "\(site): could not connect (\(detail)). Check that Jenkins runs and the URL is right."
        case .connectionLost(_, let detail, let lost):
            return "\(site): the connection broke before an answer came (\(detail))." + (lost ? lostNote : "")
        case .serverError(_, let status, let lost):
            return "\(site): Jenkins failed with HTTP \(status)." + (lost ? lostNote : " See the Jenkins log.")
        case .unexpectedStatus(_, let status):
            return "\(site): unexpected HTTP \(status) from Jenkins."
        case .malformedResponse(_, let expected, let detail, let lost):
            return "\(site): expected \(expected) but got \(detail); is the URL a Jenkins root (not a proxy "
                + "login page)?" + (lost ? lostNote : "")
        case .jenkinsReportedError(_, let message):
            return "\(site): Jenkins answered with an error: \(message)"
        case .unknownCredential(_, let id):
            return "\(site): there is no credential '\(id)' in that store and domain (HTTP 404). token-rotator never "
                + "creates one: create it once by hand, or fix the sink's store, domain or id."
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
