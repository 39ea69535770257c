import Foundation

extension SimulatorState {
    /// `/credentials/store/system/domain/<domain>/…`: the global store.
    func systemCredentials(_ request: SimulatedRequest, caller: Caller, rest: [String]) -> SimulatedResponse {
        credentialStore(request, caller: caller, key: "system", urlName: "system", rest: rest)
    }

    /// `/user/<id>/credentials/store/user/domain/<domain>/…`: a user's own store.
    func userCredentials(
        _ request: SimulatedRequest, caller: Caller, target: StoredUser, rest: [String]
    ) -> SimulatedResponse {
        credentialStore(request, caller: caller, key: "user:" + target.id.lowercased(), urlName: "user", rest: rest)
    }

    /// `/job/<a>/job/<b>/credentials/store/folder/domain/<domain>/…`: a folder's store.
    func folderCredentials(_ request: SimulatedRequest, caller: Caller, segments: [String]) -> SimulatedResponse {
        var path: [String] = []
        var index = 0
        while index + 1 < segments.count, segments[index] == "job" {
            path.append(segments[index + 1])
            index += 2
        }
        let folder = path.joined(separator: "/")
        guard !path.isEmpty, credentialStores.folders.contains(folder) else { return pages.notFound() }
        guard index < segments.count, segments[index] == "credentials" else {
            if index == segments.count {
                return SimulatedResponse(
                    status: 200, headers: pages.layoutHeaders,
                    body: pages.layout(title: "\(folder) [Jenkins]", content: "<h1>\(HTMLText.escape(folder))</h1>"))
            }
            return pages.notFound()
        }
        return credentialStore(
            request, caller: caller, key: "folder:" + folder, urlName: "folder",
            rest: Array(segments[(index + 1)...]))
    }

    /// Which credentials permissions `caller` holds on a store (jenkins-api.md §15): a user's store belongs to
    /// that user alone, administrators included out; the system and folder stores to administrators.
    private func holds(_ permission: JenkinsPermission, caller: Caller, key: String) -> Bool {
        if let owner = CredentialStores.userID(ofStore: key) {
            return caller.userID?.lowercased() == owner
        }
        return isAdmin(caller)
    }

    /// `store/<urlName>/domain/<domain>/…` below a `credentials` action.
    private func credentialStore(
        _ request: SimulatedRequest, caller: Caller, key: String, urlName: String, rest: [String]
    ) -> SimulatedResponse {
        guard rest.count >= 4, rest[0] == "store", rest[1] == urlName, rest[2] == "domain" else {
            return pages.notFound()
        }
        guard holds(.credentialsView, caller: caller, key: key) else {
            return pages.accessDenied(user: caller.name, permission: .credentialsView)
        }
        let domain = rest[3]
        guard credentialStores.hasDomain(key, domain) else { return pages.notFound() }
        let tail = Array(rest.dropFirst(4))
        switch tail.count {
        case 2 where tail[0] == "api":
            return domainAPI(request, key: key, domain: domain, format: tail[1])
        case 1 where tail[0] == "createCredentials":
            guard request.method == "POST" else { return pages.requirePOST() }
            guard holds(.credentialsCreate, caller: caller, key: key) else {
                return pages.accessDenied(user: caller.name, permission: .credentialsCreate)
            }
            return createCredential(request, key: key, domain: domain)
        case 3 where tail[0] == "credential" && tail[2] == "config.xml":
            guard let existing = credentialStores.credential(key, domain: domain, id: tail[1]) else {
                return pages.notFound()
            }
            return credentialConfig(request, caller: caller, key: key, domain: domain, existing: existing)
        default:
            return pages.notFound()
        }
    }

    /// `CredentialsWrapper#doConfigDotXml`: GET answers the redacted XML, POST replaces, DELETE removes.
    private func credentialConfig(
        _ request: SimulatedRequest, caller: Caller, key: String, domain: String, existing: StoredCredential
    ) -> SimulatedResponse {
        switch request.method {
        case "GET", "HEAD":
            return SimulatedResponse(
                status: 200, headers: [("Content-Type", "application/xml;charset=UTF-8")], body: existing.redactedXML)
        case "POST":
            guard holds(.credentialsUpdate, caller: caller, key: key) else {
                return pages.accessDenied(user: caller.name, permission: .credentialsUpdate)
            }
            guard let updated = parseCredential(request.body) else { return pages.oops() }
            // `SystemCredentialsProvider#updateCredentials`: IllegalArgumentException, a 500.
            guard updated.id == existing.id else { return pages.oops() }
            _ = credentialStores.replace(key, domain: domain, with: updated)
            return .empty(200)
        case "DELETE":
            guard holds(.credentialsDelete, caller: caller, key: key) else {
                return pages.accessDenied(user: caller.name, permission: .credentialsDelete)
            }
            credentialStores.remove(key, domain: domain, id: existing.id)
            return .empty(200)
        default:
            return SimulatedResponse(status: 405, headers: [("Allow", "GET, POST, DELETE")])
        }
    }

    /// `DomainWrapper#doCreateCredentials` with an XML body: 200, or 409 when the id exists.
    private func createCredential(_ request: SimulatedRequest, key: String, domain: String) -> SimulatedResponse {
        guard let credential = parseCredential(request.body), !credential.id.isEmpty else { return pages.oops() }
        guard credentialStores.credential(key, domain: domain, id: credential.id) == nil else { return .empty(409) }
        credentialStores.add(key, domain: domain, credential)
        return .empty(200)
    }

    private func parseCredential(_ body: [UInt8]) -> StoredCredential? {
        guard let document = try? CredentialXML.parse(body),
            let kind = SimulatedCredential.Kind(className: document.root)
        else { return nil }
        return StoredCredential(kind: kind, document: document)
    }

    /// `GET …/domain/<domain>/api/json`, e.g. with `tree=credentials[id]`.
    private func domainAPI(_ request: SimulatedRequest, key: String, domain: String, format: String)
        -> SimulatedResponse
    {
        let wrapper = "com.cloudbees.plugins.credentials.CredentialsStoreAction$CredentialsWrapper"
        let onlyIDs = request.parameter("tree")?.replacingOccurrences(of: " ", with: "") == "credentials[id]"
        let items = credentialStores.credentials(key, domain: domain).map { credential -> String in
            var pairs: [(String, String)] = [("_class", JSONText.string(wrapper))]
            if !onlyIDs {
                pairs += [
                    ("description", JSONText.string(credential.description)),
                    ("displayName", JSONText.string(credential.username.map { "\($0)/******" } ?? credential.id)),
                    ("fingerprint", "null"), ("fullName", JSONText.string("\(domain)/\(credential.id)")),
                ]
            }
            pairs.append(("id", JSONText.string(credential.id)))
            if !onlyIDs {
                let type = credential.kind == .usernamePassword ? "Username with password" : "Secret text"
                pairs.append(("typeName", JSONText.string(type)))
            }
            return JSONText.object(pairs)
        }
        var pairs: [(String, String)] = [
            ("_class", JSONText.string("com.cloudbees.plugins.credentials.CredentialsStoreAction$DomainWrapper")),
            ("credentials", "[" + items.joined(separator: ",") + "]"),
        ]
        if !onlyIDs {
            pairs += [
                (
                    "description",
                    JSONText.string(
                        domain == "_"
                            ? "Credentials that should be available irrespective "
                                + "of domain specification to requirements matching." : "")
                ),
                ("displayName", JSONText.string(domain == "_" ? "Global credentials (unrestricted)" : domain)),
                ("global", domain == "_" ? "true" : "false"), ("urlName", JSONText.string(domain)),
            ]
        }
        return apiResponse(pairs, format: format, xmlRoot: "domainWrapper")
    }

    /// `GET /asynchPeople/api/json` (and `/people/api/json`): `View.AsynchPeople.People#getUsers`, one
    /// `View.UserInfo` per user, each with its exported `user`. Without `tree=` a user carries no `id`
    /// (jenkins-api.md §15); `tree=users[user[id]]` (or `[id,fullName]`) asks for it.
    func people(_ request: SimulatedRequest, caller: Caller) -> SimulatedResponse {
        if version.isAtLeast(452) && !configuration.peopleViewPlugin { return pages.notFound() }
        let rest = Array(request.segments.dropFirst())
        guard rest.count == 2, rest[0] == "api" else {
            if rest.isEmpty {
                return SimulatedResponse(
                    status: 200, headers: pages.layoutHeaders,
                    body: pages.layout(title: "People [Jenkins]", content: "<h1>People</h1>"))
            }
            return pages.notFound()
        }
        let tree = request.parameter("tree")?.replacingOccurrences(of: " ", with: "")
        let fields: [String]
        if let tree {
            guard let open = tree.range(of: "users[user["), tree.hasSuffix("]]") else {
                return apiResponse(
                    [("_class", JSONText.string("hudson.model.View$AsynchPeople$People"))], format: rest[1],
                    xmlRoot: "people")
            }
            fields = tree[open.upperBound..<tree.index(tree.endIndex, offsetBy: -2)].split(separator: ",").map(
                String.init)
        } else {
            fields = ["absoluteUrl", "fullName"]
        }
        let entries = users.values.sorted { $0.id.lowercased() < $1.id.lowercased() }.map { user -> String in
            var userPairs: [(String, String)] = [("_class", JSONText.string("hudson.model.User"))]
            for field in fields {
                switch field {
                case "absoluteUrl":
                    userPairs.append(("absoluteUrl", JSONText.string(request.rootURL + "user/" + user.id.lowercased())))
                case "fullName": userPairs.append(("fullName", JSONText.string(user.id)))
                case "id": userPairs.append(("id", JSONText.string(user.id)))
                default: continue
                }
            }
            var info: [(String, String)] = [("_class", JSONText.string("hudson.model.View$UserInfo"))]
            if tree == nil { info += [("lastChange", "null"), ("project", "null")] }
            info.append(("user", JSONText.object(userPairs)))
            return JSONText.object(info)
        }
        return apiResponse(
            [
                ("_class", JSONText.string("hudson.model.View$AsynchPeople$People")),
                ("users", "[" + entries.joined(separator: ",") + "]"),
            ], format: rest[1], xmlRoot: "people")
    }
}
