import Foundation

/// Renders the responses whose shape Jenkins fixes: container error pages, access-denied pages,
/// the login redirect, and the identity headers (`jenkins-api.md` §1.1–§1.3).
struct JenkinsPages: Sendable {
    let version: JenkinsVersionNumber
    /// The 8-hex `X-Jenkins-Session` value of this simulator run.
    let instanceSession: String
    /// The servlet context path (`/jenkins`), or empty.
    var contextPath = ""

    static let htmlType = "text/html;charset=utf-8"
    static let apiJSONType = "application/json;charset=utf-8"
    static let okJSONType = "application/json; charset=UTF-8"

    /// `X-Jenkins` and `X-Jenkins-Session`, as on api responses and pages.
    var identityHeaders: [(name: String, value: String)] {
        [("X-Jenkins", version.description), ("X-Jenkins-Session", instanceSession)]
    }

    /// Headers of `…/api/json|xml|python` responses (`Api#setHeaders`).
    func apiHeaders(contentType: String) -> [(name: String, value: String)] {
        [("Content-Type", contentType)] + identityHeaders + [
            ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "deny"),
        ]
    }

    /// Headers of a page built with `l:layout`.
    var layoutHeaders: [(name: String, value: String)] {
        [("Content-Type", Self.htmlType), ("X-Hudson", "1.395")] + identityHeaders
    }

    /// A Jetty `sendError` page: the 401, the crumb 403, and `errorWithoutStack(400, …)`.
    func containerError(status: Int, message: String, uri: String) -> SimulatedResponse {
        let escapedMessage = HTMLText.escape(message)
        let body = """
            <html><head><meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
            <title>Error \(status) \(escapedMessage)</title></head>
            <body><h2>HTTP ERROR \(status) \(escapedMessage)</h2>
            <table><tr><th>URI:</th><td>\(HTMLText.escape(uri))</td></tr><tr><th>STATUS:</th><td>\(status)</td></tr>
            <tr><th>MESSAGE:</th><td>\(escapedMessage)</td></tr>
            <tr><th>SERVLET:</th><td>Stapler</td></tr></table><hr/><a href="https://eclipse.org/jetty">Powered by Jetty:// 12.0.22</a><hr/></body></html>

            """
        return SimulatedResponse(
            status: status,
            headers: [
                ("Content-Type", "text/html;charset=iso-8859-1"),
                ("Cache-Control", "must-revalidate,no-cache,no-store"),
            ],
            body: body)
    }

    /// The Basic-auth failure: 401, `WWW-Authenticate`, container page.
    func unauthorized(user: String?, uri: String) -> SimulatedResponse {
        let message = version.isAtLeast(266) ? "Unauthorized" : "Invalid password/token for user: \(user ?? "")"
        var response = containerError(status: 401, message: message, uri: uri)
        response.headers.append(("WWW-Authenticate", "Basic realm=\"Jenkins\""))
        return response
    }

    /// The crumb rejection (`CrumbFilter`).
    func noValidCrumb(uri: String) -> SimulatedResponse {
        containerError(status: 403, message: "No valid crumb was included in the request", uri: uri)
    }

    /// The anonymous 403: a client-side redirect to the login page (`HudsonAuthenticationEntryPoint`).
    func loginRedirect(for request: SimulatedRequest) -> SimulatedResponse {
        if request.requestedWith == "XMLHttpRequest" {
            return containerError(status: 403, message: "Forbidden", uri: request.path)
        }
        let from = Self.formEncode(request.pathAndQuery)
        let url = "\(contextPath)/login?from=\(from)"
        let body =
            "<html><head><meta http-equiv='refresh' content='1;url=\(url)'/>"
            + "<script id='redirect' data-redirect-url='\(url)' src='\(contextPath)/static/5a7c1b2e/scripts/redirect.js'>"
            + "</script>"
            + "</head><body style='background-color:white; color:white;'>\n\nAuthentication required\n<!--\n-->\n\n"
            + "</body></html>" + String(repeating: " ", count: 300)
        return SimulatedResponse(
            status: 403,
            headers: [("Content-Type", "text/html;charset=UTF-8"), ("X-Hudson", "1.395")] + identityHeaders,
            body: body)
    }

    /// The authenticated 403 Access Denied page (`AccessDeniedHandlerImpl`), with the
    /// `AccessDeniedException3` diagnostic headers.
    func accessDenied(user: String, permission: JenkinsPermission) -> SimulatedResponse {
        let message = "\(user) is missing the \(permission.title) permission"
        var headers =
            layoutHeaders + [
                ("X-You-Are-Authenticated-As", user),
                (
                    "X-You-Are-In-Group-Disabled",
                    "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true "
                        + "or use /whoAmI to diagnose"
                ),
                ("X-Required-Permission", permission.id),
            ]
        for implier in permission.impliedBy { headers.append(("X-Permission-Implied-By", implier)) }
        return SimulatedResponse(
            status: 403, headers: headers,
            body: layout(
                title: "Access Denied [Jenkins]",
                content: """
                    <h1>Access Denied</h1><p class="error">\(HTMLText.escape(message))</p>
                    """))
    }

    /// Stapler's 404 page.
    func notFound() -> SimulatedResponse {
        SimulatedResponse(
            status: 404, headers: layoutHeaders,
            body: layout(
                title: "Not Found [Jenkins]",
                content: """
                    <h1>Not Found</h1><p>This page may not exist, or you may not have permission to see it.</p>
                    """))
    }

    /// `@RequirePOST` answering a GET.
    func requirePOST() -> SimulatedResponse {
        var response = SimulatedResponse(
            status: 405, headers: layoutHeaders,
            body: layout(
                title: "Jenkins",
                content: """
                    <h1>This URL requires POST</h1><p>The URL you're trying to access requires that requests be sent \
                    using POST (like a form submission).</p><form method="POST"><input type="submit" value="Retry using POST" \
                    class="jenkins-button jenkins-button--primary"/></form>
                    """))
        response.headers.append(("Allow", "POST"))
        return response
    }

    /// Jenkins' "oops" page for an unhandled exception.
    func oops() -> SimulatedResponse {
        SimulatedResponse(
            status: 500, headers: layoutHeaders,
            body: layout(
                title: "Jenkins [Jenkins]",
                content: """
                    <h1>Oops!</h1><p>A problem occurred while processing the request.</p>
                    """))
    }

    /// Wraps content the way `l:layout` pages look, enough for scrapers and people.
    func layout(title: String, content: String) -> String {
        """
        <!DOCTYPE html><html class=""><head resURL="\(contextPath)/static/5a7c1b2e" data-rooturl="\(contextPath)" \
        data-resurl="\(contextPath)/static/5a7c1b2e" \
        data-version="\(version)"><title>\(HTMLText.escape(title))</title></head><body id="jenkins" \
        class="yui-skin-sam two-column jenkins-\(version)"><div id="page-body" class="app-page-body">\
        <div id="main-panel">\(content)</div></div></body></html>
        """
    }

    /// `application/x-www-form-urlencoded` escaping, as `URLEncoder.encode` does it.
    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "*"),
                UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%" + String(format: "%02X", byte)
            }
        }
        return out
    }
}

/// The permissions the simulator checks, with their ids and implication chains.
enum JenkinsPermission: Sendable {
    case read
    case administer
    /// `CredentialsProvider.VIEW`, implied by Update (and so by Administer).
    case credentialsView
    /// `CredentialsProvider.UPDATE`, implied by Administer.
    case credentialsUpdate
    /// `CredentialsProvider.CREATE`, implied by Administer.
    case credentialsCreate
    /// `CredentialsProvider.DELETE`, implied by Administer.
    case credentialsDelete

    private static let credentialsOwner = "com.cloudbees.plugins.credentials.CredentialsProvider"

    var id: String {
        switch self {
        case .read: return "hudson.model.Hudson.Read"
        case .administer: return "hudson.model.Hudson.Administer"
        case .credentialsView: return Self.credentialsOwner + ".View"
        case .credentialsUpdate: return Self.credentialsOwner + ".Update"
        case .credentialsCreate: return Self.credentialsOwner + ".Create"
        case .credentialsDelete: return Self.credentialsOwner + ".Delete"
        }
    }

    var title: String {
        switch self {
        case .read: return "Overall/Read"
        case .administer: return "Overall/Administer"
        case .credentialsView: return "Credentials/View"
        case .credentialsUpdate: return "Credentials/Update"
        case .credentialsCreate: return "Credentials/Create"
        case .credentialsDelete: return "Credentials/Delete"
        }
    }

    var impliedBy: [String] {
        switch self {
        case .read: return ["hudson.security.Permission.GenericRead", "hudson.model.Hudson.Administer"]
        case .administer: return []
        case .credentialsView: return [Self.credentialsOwner + ".Update", "hudson.model.Hudson.Administer"]
        case .credentialsUpdate, .credentialsCreate, .credentialsDelete: return ["hudson.model.Hudson.Administer"]
        }
    }
}
