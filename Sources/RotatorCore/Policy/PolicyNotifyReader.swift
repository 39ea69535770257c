import Foundation

/// Reads `notify:` (SPEC §8.8).
enum PolicyNotifyReader {
    static let keys = ["on", "webhook", "command"]
    static let fix =
        "write notify: { on: [failure, uncertain], webhook: { url: https://hooks.example.com/…, token_env: HOOK_TOKEN }, "
        + "command: [\"/usr/local/bin/page-oncall\"] }"

    static func notify(from node: PolicyNode) throws -> NotifyConfig {
        let map = try node.mapping(allowedKeys: keys, fix: fix)
        let onNode = try map.required("on", fix: fix)
        let names = NotifyEvent.allCases.map(\.rawValue).joined(separator: ", ")
        let events = try onNode.sequence(fix: "list the events, any of \(names)").map {
            try $0.choice(NotifyEvent.self, NotifyEvent.allCases)
        }
        guard !events.isEmpty else { throw onNode.error("names no event", fix: "list any of \(names)") }
        var config = NotifyConfig(on: Set(events))
        if let webhookNode = map["webhook"] { config.webhook = try webhook(from: webhookNode) }
        if let commandNode = map["command"] {
            let items = try commandNode.sequence(fix: "write command: [\"/path/to/tool\", \"arg\", …]")
            guard !items.isEmpty else { throw commandNode.error("the command is empty", fix: fix) }
            config.command = try items.map { try $0.string(fix: "each argument is one piece of text") }
        }
        guard config.webhook != nil || config.command != nil else {
            throw node.error("notify needs a webhook, a command, or both", fix: fix)
        }
        return config
    }

    private static func webhook(from node: PolicyNode) throws -> NotifyConfig.Webhook {
        let webhookFix = "write webhook: { url: https://hooks.example.com/…, token_env: HOOK_TOKEN }"
        let map = try node.mapping(allowedKeys: ["url", "token_env"], fix: webhookFix)
        let urlNode = try map.required("url", fix: webhookFix)
        let text = try urlNode.string(fix: webhookFix)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            let url = components.url
        else {
            // The URL may carry a secret path: never repeat it.
            throw urlNode.error("is not an absolute http or https URL", fix: webhookFix)
        }
        if components.password != nil {
            throw urlNode.error(PolicyNode.inlineSecretProblem, fix: PolicyNode.inlineSecretFix)
        }
        if scheme == "http" && !isLoopback(host) {
            throw urlNode.error(
                "a webhook over plain http would send the payload and its bearer token in clear text",
                fix: "use an https URL (plain http is accepted for loopback only)")
        }
        let tokenEnv = try map["token_env"].map { try PolicyControllerReader.variableName(from: $0) }
        return NotifyConfig.Webhook(url: url, tokenEnvironmentVariable: tokenEnv)
    }

    /// `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
