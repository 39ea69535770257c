import Foundation

extension SimulatorState {
    /// Stapler dispatch: always-readable paths, then Overall/Read, then the URL space.
    func route(
        _ request: SimulatedRequest, caller: Caller, session: String?, faults: FaultBook.Decision
    ) -> SimulatedResponse {
        let segments = request.segments
        switch segments.first {
        case "whoAmI": return whoAmI(request, caller: caller)
        case "login":
            return SimulatedResponse(
                status: 200, headers: pages.layoutHeaders,
                body: pages.layout(
                    title: "Sign in [Jenkins]", content: "<h1>Sign in to Jenkins</h1>"))
        default: break
        }
        if caller.isAnonymous { return pages.loginRedirect(for: request) }
        guard let me = caller.userID.flatMap({ users[$0.lowercased()] }) else {
            return pages.loginRedirect(for: request)
        }
        guard me.read else { return pages.accessDenied(user: caller.name, permission: .read) }

        switch segments.first {
        case nil:
            return SimulatedResponse(
                status: 200, headers: pages.layoutHeaders,
                body: pages.layout(
                    title: "Dashboard [Jenkins]", content: "<h1>Welcome to Jenkins!</h1>"))
        case "api":
            guard segments.count == 2 else { return pages.notFound() }
            return rootAPI(request, format: segments[1])
        case "crumbIssuer":
            return crumbIssuer(request, caller: caller, session: session)
        case "asynchPeople", "people":
            return people(request, caller: caller)
        case "credentials":
            return systemCredentials(request, caller: caller, rest: Array(segments.dropFirst()))
        case "job":
            return folderCredentials(request, caller: caller, segments: segments)
        case "me":
            return userRoutes(
                request, caller: caller, target: me, rest: Array(segments.dropFirst()),
                faults: faults)
        case "user":
            guard segments.count >= 2, let target = users[segments[1].lowercased()] else { return pages.notFound() }
            return userRoutes(
                request, caller: caller, target: target, rest: Array(segments.dropFirst(2)),
                faults: faults)
        default:
            return pages.notFound()
        }
    }

    private func userRoutes(
        _ request: SimulatedRequest, caller: Caller, target: StoredUser, rest: [String], faults: FaultBook.Decision
    ) -> SimulatedResponse {
        switch rest.count {
        case 0:
            return SimulatedResponse(
                status: 200, headers: pages.layoutHeaders,
                body: pages.layout(
                    title: "\(target.id) [Jenkins]", content: "<h1>\(HTMLText.escape(target.id))</h1>"))
        case 2 where rest[0] == "api":
            return userAPI(request, caller: caller, target: target, format: rest[1])
        case 1 where rest[0] == "security":
            guard version.isAtLeast(468) else { return pages.notFound() }
            return securityPage(caller: caller, target: target, tokens: !faults.noTokenSection)
        case 1 where rest[0] == "configure":
            return securityPage(
                caller: caller, target: target, tokens: !version.isAtLeast(468) && !faults.noTokenSection)
        case 3 where rest[0] == "descriptorByName" && Self.descriptorNames.contains(rest[1]):
            guard let endpoint = Self.tokenMethods[rest[2]] else { return pages.notFound() }
            return tokenMethod(endpoint, request, caller: caller, target: target, revokeNoop: faults.revokeNoop)
        case let count where count >= 3 && rest[0] == "credentials":
            return userCredentials(request, caller: caller, target: target, rest: Array(rest.dropFirst()))
        default:
            return pages.notFound()
        }
    }

    func isAdmin(_ caller: Caller) -> Bool {
        caller.userID.flatMap { users[$0.lowercased()]?.admin } ?? false
    }

    func isSelf(_ caller: Caller, _ target: StoredUser) -> Bool {
        caller.userID?.lowercased() == target.id.lowercased()
    }

    /// `User#getACL` grants the user everything on itself; others need Overall/Administer.
    func canAdminister(_ caller: Caller, _ target: StoredUser) -> Bool {
        isSelf(caller, target) || isAdmin(caller)
    }

    // MARK: API and pages

    private func whoAmI(_ request: SimulatedRequest, caller: Caller) -> SimulatedResponse {
        let rest = Array(request.segments.dropFirst())
        if rest.isEmpty {
            return SimulatedResponse(
                status: 200, headers: pages.layoutHeaders,
                body: pages.layout(
                    title: "Who Am I [Jenkins]",
                    content: "<h1>Who Am I?</h1><p>Name: \(HTMLText.escape(caller.name))</p>"))
        }
        guard rest.count == 2, rest[0] == "api" else { return pages.notFound() }
        let authorities = caller.isAnonymous ? "[\"anonymous\"]" : "[\"authenticated\"]"
        let pairs: [(String, String)] = [
            ("_class", JSONText.string("hudson.security.WhoAmI")),
            ("anonymous", caller.isAnonymous ? "true" : "false"),
            ("authenticated", "true"),
            ("authorities", authorities),
            ("name", JSONText.string(caller.name)),
        ]
        return apiResponse(pairs, format: rest[1], xmlRoot: "whoAmI")
    }

    private func rootAPI(_ request: SimulatedRequest, format: String) -> SimulatedResponse {
        let root = JSONText.string(request.rootURL)
        var pairs: [(String, String)] = [("_class", JSONText.string("hudson.model.Hudson"))]
        if request.parameter("tree") != "_class" {
            let allView = JSONText.object([
                ("_class", JSONText.string("hudson.model.AllView")), ("name", JSONText.string("all")), ("url", root),
            ])
            pairs += [
                ("assignedLabels", "[{\"name\":\"built-in\"}]"), ("mode", JSONText.string("NORMAL")),
                ("nodeDescription", JSONText.string("the Jenkins controller's built-in node")),
                ("nodeName", "\"\""), ("numExecutors", "2"), ("description", "null"), ("jobs", "[]"),
                ("primaryView", allView), ("quietDownReason", "null"), ("quietingDown", "false"),
                ("slaveAgentPort", "-1"), ("url", root), ("useCrumbs", configuration.csrfEnabled ? "true" : "false"),
                ("useSecurity", "true"), ("views", "[\(allView)]"),
            ]
        }
        return apiResponse(pairs, format: format, xmlRoot: "hudson")
    }

    private func userAPI(
        _ request: SimulatedRequest, caller: Caller, target: StoredUser, format: String
    ) -> SimulatedResponse {
        // `User#getAllProperties` is only exported to the user themselves and to administrators.
        let properties =
            canAdminister(caller, target)
            ? "[{\"_class\":\"jenkins.security.ApiTokenProperty\"},"
                + "{\"_class\":\"hudson.model.MyViewsProperty\"},"
                + "{\"_class\":\"hudson.security.HudsonPrivateSecurityRealm$Details\"}]"
            : "[]"
        let pairs: [(String, String)] = [
            ("_class", JSONText.string("hudson.model.User")),
            ("absoluteUrl", JSONText.string(request.rootURL + "user/" + target.id.lowercased())),
            ("description", "null"),
            ("fullName", JSONText.string(target.id)),
            ("id", JSONText.string(target.id)),
            ("property", properties),
        ]
        return apiResponse(pairs, format: format, xmlRoot: "user")
    }

    private func crumbIssuer(_ request: SimulatedRequest, caller: Caller, session: String?) -> SimulatedResponse {
        guard configuration.csrfEnabled else { return pages.notFound() }
        let rest = Array(request.segments.dropFirst())
        guard rest.count == 2, rest[0] == "api", ["json", "xml", "python"].contains(rest[1]) else {
            return pages.notFound()
        }
        var cookie: (name: String, value: String)?
        var sessionID = session
        // `issueCrumb` calls `req.getSession()`, creating a session, only when the session id is part of the crumb.
        if sessionID == nil && !configuration.crumbExcludesSessionID {
            let created = newSession()
            sessionID = created
            cookie = (
                "Set-Cookie",
                "\(sessionCookieName)=\(created); Path=\(contextPath.isEmpty ? "/" : contextPath); HttpOnly"
            )
        }
        let crumb = crumb(for: caller, session: sessionID)
        var response: SimulatedResponse
        if rest[1] == "xml", let xpath = request.parameter("xpath") {
            guard let text = Self.crumbXPath(xpath, field: configuration.crumbField, crumb: crumb) else {
                return pages.containerError(
                    status: 403,
                    message: "primitive XPath result sets forbidden; implement jenkins.security.SecureRequester",
                    uri: request.path)
            }
            response = SimulatedResponse(
                status: 200, headers: pages.apiHeaders(contentType: "text/plain;charset=UTF-8"), body: text)
        } else {
            response = apiResponse(
                [
                    ("_class", JSONText.string("hudson.security.csrf.DefaultCrumbIssuer")),
                    ("crumb", JSONText.string(crumb)),
                    ("crumbRequestField", JSONText.string(configuration.crumbField)),
                ], format: rest[1], xmlRoot: "defaultCrumbIssuer")
        }
        if let cookie { response.headers.append(cookie) }
        return response
    }

    /// The four XPath forms `CrumbIssuer.RestrictedApi#doXml` lets through.
    static func crumbXPath(_ xpath: String, field: String, crumb: String) -> String? {
        switch xpath.replacingOccurrences(of: " ", with: "") {
        case "concat(//crumbRequestField,\":\",//crumb)": return "\(field):\(crumb)"
        case "concat(//crumbRequestField,'=',//crumb)", "concat(//crumbRequestField,\"=\",//crumb)":
            return "\(field)=\(crumb)"
        case "//crumb/text()", "/*/crumb/text()": return crumb
        default: return nil
        }
    }

    /// Renders ordered JSON pairs as Stapler's json, python or xml flavour, with `Api#setHeaders`.
    func apiResponse(_ pairs: [(String, String)], format: String, xmlRoot: String) -> SimulatedResponse {
        switch format {
        case "json":
            return SimulatedResponse(
                status: 200, headers: pages.apiHeaders(contentType: JenkinsPages.apiJSONType),
                body: JSONText.object(pairs))
        case "python":
            let python = JSONText.object(pairs)
                .replacingOccurrences(of: ":true", with: ":True")
                .replacingOccurrences(of: ":false", with: ":False")
                .replacingOccurrences(of: ":null", with: ":None")
            return SimulatedResponse(
                status: 200, headers: pages.apiHeaders(contentType: "text/x-python;charset=UTF-8"), body: python)
        case "xml":
            var body = "<\(xmlRoot)"
            var children = ""
            for (key, value) in pairs {
                let plain = value.hasPrefix("\"") ? String(value.dropFirst().dropLast()) : value
                if key == "_class" {
                    body += " _class=\"\(HTMLText.escape(plain))\""
                } else if !value.hasPrefix("[") && !value.hasPrefix("{") && value != "null" {
                    children += "<\(key)>\(HTMLText.escape(plain))</\(key)>"
                }
            }
            body += ">\(children)</\(xmlRoot)>"
            return SimulatedResponse(
                status: 200, headers: pages.apiHeaders(contentType: "application/xml;charset=utf-8"), body: body)
        default:
            return pages.notFound()
        }
    }
}
