import Foundation

/// A credential as the credentials plugin keeps it (the simulator keeps the secret in plain text, where Jenkins
/// encrypts it, so that test-only inspection can digest it).
struct StoredCredential: Sendable {
    var kind: SimulatedCredential.Kind
    var id: String
    var scope: String
    var description: String
    var username: String?
    /// `usernameSecret`; XStream leaves it at its default, true, when a posted document omits it.
    var usernameSecret: Bool
    /// Exactly as posted: whitespace inside the element is kept.
    var secret: String

    init(_ credential: SimulatedCredential) {
        kind = credential.kind
        id = credential.id
        scope = credential.scope
        description = credential.descriptionText
        username = credential.username
        usernameSecret = false
        secret = credential.secret
    }

    init(kind: SimulatedCredential.Kind, document: CredentialXML.Document) {
        self.kind = kind
        id = document.text("id") ?? ""
        scope = document.text("scope") ?? "GLOBAL"
        description = document.text("description") ?? ""
        username = document.text("username")
        usernameSecret =
            document.text("usernameSecret").map { $0.trimmingCharacters(in: .whitespaces) != "false" } ?? true
        secret = document.text(kind.secretElement) ?? ""
    }

    /// `Items.XSTREAM2` output after `SecretBytesRedaction`/`ExtendedReadSecretRedaction`: the encrypted secret
    /// becomes `<secret-redacted/>`.
    var redactedXML: String {
        let plugin =
            kind == .usernamePassword ? "credentials@1415.v831096eb_5534" : "plain-credentials@199.v9f8e1f741799"
        var lines = [
            "<?xml version='1.1' encoding='UTF-8'?>",
            "<\(kind.className) plugin=\"\(plugin)\">",
            "  <scope>\(HTMLText.escape(scope))</scope>",
            "  <id>\(HTMLText.escape(id))</id>",
            "  <description>\(HTMLText.escape(description))</description>",
        ]
        if kind == .usernamePassword {
            lines.append("  <username>\(HTMLText.escape(username ?? ""))</username>")
            lines.append("  <password><secret-redacted/></password>")
            lines.append("  <usernameSecret>\(usernameSecret)</usernameSecret>")
        } else {
            lines.append("  <secret><secret-redacted/></secret>")
        }
        lines.append("</\(kind.className)>")
        return lines.joined(separator: "\n")
    }
}

/// The stores of the credentials plugin: `system`, `user:<id>` and `folder:<path>`, each with domains of
/// credentials in insertion order.
struct CredentialStores: Sendable {
    private(set) var stores: [String: [String: [StoredCredential]]] = [:]
    /// Every folder named by a folder store, with its parents (`team`, `team/app`).
    private(set) var folders: Set<String> = []

    /// The user id of a `user:<id>` store.
    static func userID(ofStore store: String) -> String? {
        store.hasPrefix("user:") ? String(store.dropFirst("user:".count)) : nil
    }

    /// `system`, `user:<id lower-cased>` or `folder:<a/b>`, or nil for a malformed store name.
    static func key(_ store: String) -> String? {
        if store == "system" { return store }
        if let user = userID(ofStore: store), !user.isEmpty { return "user:" + user.lowercased() }
        if store.hasPrefix("folder:") {
            let path = store.dropFirst("folder:".count).split(separator: "/").map(String.init)
            guard !path.isEmpty else { return nil }
            return "folder:" + path.joined(separator: "/")
        }
        return nil
    }

    mutating func seed(_ credential: SimulatedCredential) throws {
        guard let key = Self.key(credential.store) else {
            throw SimulatorError.usage(
                "credential '\(credential.id)': store '\(credential.store)' is not system, user:<id> or folder:<path>")
        }
        guard self.credential(key, domain: credential.domain, id: credential.id) == nil else {
            throw SimulatorError.usage(
                "credential '\(credential.id)' appears twice in store \(credential.store), domain \(credential.domain)")
        }
        if key.hasPrefix("folder:") {
            var path: [Substring] = []
            for part in key.dropFirst("folder:".count).split(separator: "/") {
                path.append(part)
                folders.insert(path.joined(separator: "/"))
            }
        }
        stores[key, default: ["_": []]][credential.domain, default: []].append(StoredCredential(credential))
    }

    func hasDomain(_ key: String, _ domain: String) -> Bool {
        domain == "_" || stores[key]?[domain] != nil
    }

    func credential(_ key: String, domain: String, id: String) -> StoredCredential? {
        stores[key]?[domain]?.first { $0.id == id }
    }

    func credentials(_ key: String, domain: String) -> [StoredCredential] { stores[key]?[domain] ?? [] }

    /// Replaces the credential with the same id; false when there is none.
    mutating func replace(_ key: String, domain: String, with credential: StoredCredential) -> Bool {
        guard let index = stores[key]?[domain]?.firstIndex(where: { $0.id == credential.id }) else { return false }
        stores[key]?[domain]?[index] = credential
        return true
    }

    mutating func add(_ key: String, domain: String, _ credential: StoredCredential) {
        stores[key, default: ["_": []]][domain, default: []].append(credential)
    }

    mutating func remove(_ key: String, domain: String, id: String) {
        stores[key]?[domain]?.removeAll { $0.id == id }
    }

    /// Every credential, for `/_sim/credentials`.
    func snapshots() -> [CredentialSnapshot] {
        stores.keys.sorted().flatMap { key in
            (stores[key] ?? [:]).keys.sorted().flatMap { domain in
                credentials(key, domain: domain).map { credential in
                    CredentialSnapshot(
                        store: key, domain: domain, id: credential.id, kind: credential.kind.rawValue,
                        secretSHA256: TokenCrypto.hex(TokenCrypto.sha256(credential.secret)),
                        redactedXML: credential.redactedXML)
                }
            }
        }
    }
}
