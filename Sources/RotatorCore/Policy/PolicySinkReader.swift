import Yams

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a `deliver:` list of sinks.
enum PolicySinkReader {
    static let kinds = ["file", "command", "jenkins_credential"]
    static let defaultCommandTimeout = TimeSpan(seconds: 60)
    private static let listFix =
        "write deliver as a list: - file: { path: \"…\" }, - command: [\"/path/to/tool\", …] "
        + "or - jenkins_credential: { controller: …, id: …, kind: … }"

    static func sinks(from node: PolicyNode) throws -> [SinkConfig] {
        if node.isNull { return [] }
        return try node.sequence(fix: listFix).map(sink)
    }

    private static func sink(from node: PolicyNode) throws -> SinkConfig {
        let map = try node.mapping(allowedKeys: kinds, fix: listFix)
        guard let entry = map.entries.first else {
            throw node.error("empty sink", fix: "use file: { path: \"…\" } or command: [\"…\"]")
        }
        guard map.keys.count == 1 else {
            throw PolicyError(
                file: node.source, line: map.keyLine(map.keys[1]), keyPath: node.path,
                problem: "one list item holds several sinks (\(map.keys.joined(separator: ", ")))",
                fix: "start each sink with its own \"- \"")
        }
        let value = entry.value
        switch entry.key {
        case "file":
            return try fileSink(from: value)
        case "command":
            return try commandSink(from: value)
        default:
            return try credentialSink(from: value)
        }
    }

    private static func credentialSink(from node: PolicyNode) throws -> SinkConfig {
        let fix =
            "write jenkins_credential: { controller: ci-agents, store: system, domain: _, "
            + "id: \"{user}-jenkins-token\", kind: username_password }"
        let map = try node.mapping(allowedKeys: ["controller", "store", "domain", "id", "kind"], fix: fix)
        let controller = try map.required("controller", fix: fix).string(fix: fix)
        var store = CredentialLocation.Store.system
        if let storeNode = map["store"] {
            let text = try storeNode.string(fix: fix)
            guard let parsed = CredentialLocation.Store(text) else {
                throw storeNode.error(
                    "store '\(text)' is not a credentials store", fix: "use system, user:<id> or folder:<folder/path>")
            }
            store = parsed
        }
        let domain = try map["domain"]?.string(fix: fix) ?? "_"
        let idNode = try map.required("id", fix: fix)
        let id = try idNode.string(fix: fix)
        try idNode.checkPlaceholders(in: id)
        let kind = try map.required("kind", fix: fix).choice(CredentialKind.self, [.usernamePassword, .secretText])
        return .jenkinsCredential(
            JenkinsCredentialSinkConfig(controller: controller, store: store, domain: domain, id: id, kind: kind))
    }

    private static func fileSink(from node: PolicyNode) throws -> SinkConfig {
        let fix = "write file: { path: \"/var/lib/token-rotator/{controller}/{user}/{name}.token\", format: raw }"
        let map = try node.mapping(allowedKeys: ["path", "format", "mode", "group"], fix: fix)
        let pathNode = try map.required("path", fix: fix)
        let path = try pathNode.string(fix: fix)
        try pathNode.checkPlaceholders(in: path)
        let format = try map["format"]?.choice(FileSinkFormat.self, [.raw, .env, .json]) ?? .raw
        let mode = try map["mode"].map(fileMode) ?? FileSinkOptions.defaultMode
        let group = try map["group"].map(groupName)
        return .file(path: path, options: FileSinkOptions(format: format, mode: mode, group: group))
    }

    /// `mode: "0640"`: an octal string (quoted, so that YAML does not read it as a number); group- and
    /// world-writable modes are refused, as are bits other than permissions.
    private static func fileMode(_ node: PolicyNode) throws -> UInt16 {
        let fix = "write the mode as a quoted octal string, e.g. mode: \"0600\" or mode: \"0640\""
        let text = try node.string(fix: fix)
        guard (3...4).contains(text.count), let mode = UInt16(text, radix: 8), mode <= 0o777 else {
            throw node.error("mode \(text) is not an octal permission such as \"0600\"", fix: fix)
        }
        guard mode & 0o022 == 0 else {
            throw node.error(
                "mode \(text) lets other users write the token file",
                fix: "use a mode without group or world write, e.g. \"0600\" or \"0640\"")
        }
        return mode
    }

    /// `group: name`: a group that exists on this host.
    private static func groupName(_ node: PolicyNode) throws -> String {
        let fix = "name an existing group (getent group NAME), or leave group out"
        let name = try node.string(fix: fix)
        guard !name.isEmpty, getgrnam(name) != nil else {
            throw node.error("group \(name) does not exist on this host", fix: fix)
        }
        return name
    }

    private static func commandSink(from node: PolicyNode) throws -> SinkConfig {
        let fix = "write command: [\"/path/to/tool\", \"arg\", …] or command: { argv: […], timeout: 60s }"
        if case .sequence(_) = node.node {
            return .command(argv: try argv(from: node, fix: fix), timeout: defaultCommandTimeout)
        }
        let map = try node.mapping(allowedKeys: ["argv", "timeout"], fix: fix)
        let argv = try argv(from: try map.required("argv", fix: fix), fix: fix)
        let timeout = try map["timeout"]?.duration(minimum: TimeSpan(seconds: 1)) ?? defaultCommandTimeout
        return .command(argv: argv, timeout: timeout)
    }

    private static func argv(from node: PolicyNode, fix: String) throws -> [String] {
        let items = try node.sequence(fix: fix)
        guard !items.isEmpty else {
            throw node.error("the command is empty", fix: fix)
        }
        return try items.map { item in
            let argument = try item.string(fix: "each argument is one piece of text")
            try item.checkPlaceholders(in: argument)
            return argument
        }
    }
}
