import Foundation

/// Reads the `controllers:` map (SPEC §3).
enum PolicyControllerReader {
    static let keys = [
        "url", "auth", "ca_file", "insecure", "allow_plain_http", "mode", "concurrency", "timeout",
    ]
    static let authKeys = ["user", "token_env", "token_file", "password_env", "password_file"]
    private static let sourceKeys = ["token_env", "token_file", "password_env", "password_file"]
    private static let authFix = "write auth: { user: rotation-admin, token_env: JENKINS_ADMIN_TOKEN }"
    private static let sectionFix = "add controllers: { ci-main: { url: https://jenkins.example.com/, auth: {…} } }"

    /// A controller with the lines the cross-checks need.
    struct Parsed {
        let config: ControllerConfig
        let node: PolicyNode
        let map: PolicyMap
    }

    static func controllers(from node: PolicyNode?, in root: PolicyNode) throws -> [Parsed] {
        guard let node else {
            throw root.error("missing required key controllers", fix: sectionFix)
        }
        guard !node.isNull else {
            throw node.error("at least one controller is required", fix: sectionFix)
        }
        let entries = try node.mappingEntries(fix: "write each controller as id: { url: …, auth: {…} }")
        guard !entries.isEmpty else {
            throw node.error("at least one controller is required", fix: sectionFix)
        }
        return try entries.map { entry in
            guard isValidID(entry.key) else {
                throw PolicyError(
                    file: node.source, line: entry.keyLine, keyPath: entry.value.path,
                    problem: "\"\(entry.key)\" is not a valid controller id",
                    fix: "use letters, digits, '.', '_' and '-' only")
            }
            return try controller(id: entry.key, node: entry.value)
        }
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty
            && id.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
    }

    private static func controller(id: String, node: PolicyNode) throws -> Parsed {
        let map = try node.mapping(allowedKeys: keys, fix: "write url:, auth: and the other settings below the id")
        let urlNode = try map.required("url", fix: "add url: https://jenkins.example.com/")
        let url = try url(from: urlNode)
        let allowPlainHTTP = try map["allow_plain_http"]?.bool() ?? false
        if url.scheme?.lowercased() == "http", !allowPlainHTTP, !isLoopback(host: url.host ?? "") {
            throw urlNode.error(
                "plain http to \(url.host ?? "") would send the credentials and every new token in clear text",
                fix: "use https://, or set allow_plain_http: true on this controller if the network is trusted")
        }
        let mode = try map["mode"]?.choice(RotationMode.self, [.admin, .`self`]) ?? .admin
        var auth: AuthReference?
        if let authNode = map["auth"] {
            auth = try authReference(from: authNode)
        } else if mode == .admin {
            throw node.error(
                "missing required key auth (mode admin acts as one Jenkins identity)",
                fix: authFix + ", or use mode: self")
        }
        let config = ControllerConfig(
            id: id, url: url, auth: auth,
            caFile: try map["ca_file"]?.string(fix: "give the path of a PEM file"),
            insecure: try map["insecure"]?.bool() ?? false,
            allowPlainHTTP: allowPlainHTTP,
            mode: mode,
            concurrency: try map["concurrency"]?.integer(minimum: 1) ?? 4,
            timeout: try map["timeout"]?.duration(minimum: TimeSpan(seconds: 1)) ?? TimeSpan(seconds: 30))
        return Parsed(config: config, node: node, map: map)
    }

    /// `localhost`, `127.0.0.0/8` or `::1` (SPEC §8.1): plain http there never leaves the machine.
    static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// An absolute http(s) URL without credentials, query or fragment, ending in `/`.
    static func url(from node: PolicyNode) throws -> URL {
        let fix = "use an absolute URL such as https://jenkins.example.com/"
        let text = try node.string(fix: fix)
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw node.error("\"\(text)\" is not an absolute http or https URL", fix: fix)
        }
        if components.password != nil {
            // The text holds a password: name the problem without repeating the URL.
            throw node.error(PolicyNode.inlineSecretProblem, fix: PolicyNode.inlineSecretFix)
        }
        guard components.user == nil else {
            throw node.error("the URL names a user", fix: "put the user in auth.user and remove it from the URL")
        }
        guard components.query == nil, components.fragment == nil else {
            throw node.error("\"\(text)\" has a query or fragment", fix: "give only the Jenkins root URL")
        }
        let normalised = text.hasSuffix("/") ? text : text + "/"
        guard let url = URL(string: normalised) else {
            throw node.error("\"\(text)\" is not an absolute http or https URL", fix: fix)
        }
        return url
    }

    private static func authReference(from node: PolicyNode) throws -> AuthReference {
        let map = try node.mapping(allowedKeys: authKeys, fix: authFix)
        let user = try map.required("user", fix: authFix).string(fix: "give the Jenkins user id")
        let present = map.keys.filter { sourceKeys.contains($0) }
        guard let key = present.first, let valueNode = map[key] else {
            throw node.error("auth needs one of \(sourceKeys.joined(separator: ", "))", fix: authFix)
        }
        guard present.count == 1 else {
            throw PolicyError(
                file: node.source, line: map.keyLine(present[1]), keyPath: node.path,
                problem: "auth has both \(present[0]) and \(present[1])", fix: "keep exactly one of them")
        }
        let kind: AuthReference.Kind = key.hasPrefix("token") ? .apiToken : .password
        let source: SecretSource
        if key.hasSuffix("_env") {
            source = .environment(try variableName(from: valueNode))
        } else {
            source = .file(try valueNode.string(fix: "give the path of a file holding the secret"))
        }
        return AuthReference(user: user, kind: kind, source: source)
    }

    /// An environment variable name. An invalid one is never echoed: it may be the secret itself.
    static func variableName(from node: PolicyNode) throws -> String {
        let fix = "give the name of an environment variable, such as JENKINS_ADMIN_TOKEN"
        let name = try node.string(fix: fix)
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
            name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) })
        else {
            throw node.error(
                "is not an environment variable name (letters, digits and _, not starting with a digit)",
                fix: fix + "; if you pasted the secret here, move it to that variable and rotate it")
        }
        return name
    }
}
