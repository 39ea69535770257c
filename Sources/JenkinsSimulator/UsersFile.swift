import Foundation
import Yams

/// Loads the users file (YAML) described in SPEC.md §6:
///
/// ```yaml
/// users:
///   - id: alice
///     password: alice-pass
///     admin: false
///     read: true        # optional, default true (Overall/Read)
///     tokens:
///       - { name: ci, uuid: 0b6d…, value: 11aa…, created: 2026-01-05T00:00:00Z, expires: 2027-01-01,
///           use_count: 3, last_used: 2026-03-01T00:00:00Z, legacy: false }
/// credentials:   # the credentials plugin's stores (second wave)
///   - { store: system, id: ci-bot, kind: username_password, username: ci-bot, secret: old-value, description: CI bot }
///   - { store: "user:alice", id: alice-token, kind: secret_text, secret: old-value }
///   - { store: "folder:team/app", domain: _, id: app-token, kind: secret_text, secret: x, scope: GLOBAL }
/// ```
///
/// Or, for one process serving several controllers, each under `/<name>/` with its own users and credentials:
///
/// ```yaml
/// controllers:
///   - { name: c1, users: [...], credentials: [...] }
///   - { name: c2, users: [...] }
/// ```
public enum UsersFile {
    /// Everything a users file seeds.
    public struct Contents: Sendable, Equatable {
        /// The users with their tokens.
        public var users: [SimulatedUser]
        /// The credentials of the credentials plugin's stores.
        public var credentials: [SimulatedCredential]
        /// The controllers of a multi-controller file (then `users` and `credentials` are empty).
        public var controllers: [SimulatedController] = []
    }

    private struct Document: Decodable {
        var users: [User]?
        var credentials: [Credential]?
        var controllers: [Controller]?
    }

    private struct Controller: Decodable {
        var name: String
        var users: [User]?
        var credentials: [Credential]?
    }

    private struct Credential: Decodable {
        var store: String?
        var domain: String?
        var id: String?
        var kind: String?
        var scope: String?
        var description: String?
        var username: String?
        var secret: String?
    }

    private struct User: Decodable {
        var id: String
        var password: String?
        var admin: Bool?
        var read: Bool?
        var tokens: [Token]?
    }

    private struct Token: Decodable {
        var name: String
        var uuid: String?
        var value: String
        var created: String?
        var expires: String?
        var useCount: Int?
        var lastUsed: String?
        var legacy: Bool?

        enum CodingKeys: String, CodingKey {
            case name, uuid, value, created, expires, legacy
            case useCount = "use_count"
            case lastUsed = "last_used"
        }
    }

    /// Reads and decodes a users file's users.
    public static func load(path: String) throws -> [SimulatedUser] {
        try loadContents(path: path).users
    }

    /// Reads and decodes a users file: users and credentials.
    public static func loadContents(path: String) throws -> Contents {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SimulatorError.usersFile(
                path: path, reason: "the file cannot be read (\(error.localizedDescription))")
        }
        return try parseContents(text, path: path)
    }

    /// Decodes users-file YAML's users; `path` only names the source in errors.
    public static func parse(_ yaml: String, path: String = "<users>") throws -> [SimulatedUser] {
        try parseContents(yaml, path: path).users
    }

    /// Decodes users-file YAML; `path` only names the source in errors.
    public static func parseContents(_ yaml: String, path: String = "<users>") throws -> Contents {
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: yaml)
        } catch {
            throw SimulatorError.usersFile(path: path, reason: "invalid YAML (\(error))")
        }
        guard let controllers = document.controllers else {
            let (users, credentials) = try seeds(document.users, document.credentials, path: path, scope: "")
            return Contents(users: users, credentials: credentials)
        }
        guard document.users == nil, document.credentials == nil else {
            throw SimulatorError.usersFile(
                path: path, reason: "with controllers:, users and credentials go inside each controller")
        }
        let seeded = try controllers.map { controller in
            let (users, credentials) = try seeds(
                controller.users, controller.credentials, path: path, scope: "controller '\(controller.name)': ")
            return SimulatedController(name: controller.name, users: users, credentials: credentials)
        }
        if let problem = SimulatedController.problem(in: seeded) {
            throw SimulatorError.usersFile(path: path, reason: problem)
        }
        return Contents(users: [], credentials: [], controllers: seeded)
    }

    /// One controller's users and credentials; `scope` starts each error's reason (which controller).
    private static func seeds(_ users: [User]?, _ credentials: [Credential]?, path: String, scope: String) throws
        -> ([SimulatedUser], [SimulatedCredential])
    {
        do {
            var seen: Set<String> = []
            let seededUsers = try (users ?? []).map { user in
                guard !user.id.isEmpty else {
                    throw SimulatorError.usersFile(path: path, reason: "a user has an empty id")
                }
                guard seen.insert(user.id.lowercased()).inserted else {
                    throw SimulatorError.usersFile(
                        path: path, reason: "user '\(user.id)' appears twice (ids ignore case)")
                }
                let tokens = try (user.tokens ?? []).map { token in
                    try simulatedToken(token, user: user.id, path: path)
                }
                return SimulatedUser(
                    id: user.id, password: user.password, admin: user.admin ?? false, read: user.read ?? true,
                    tokens: tokens)
            }
            let seededCredentials = try (credentials ?? []).enumerated().map { index, credential in
                try simulatedCredential(credential, index: index, path: path)
            }
            return (seededUsers, seededCredentials)
        } catch SimulatorError.usersFile(let path, let reason) where !scope.isEmpty {
            throw SimulatorError.usersFile(path: path, reason: scope + reason)
        }
    }

    private static func simulatedCredential(_ entry: Credential, index: Int, path: String) throws
        -> SimulatedCredential
    {
        func fail(_ reason: String) -> SimulatorError {
            .usersFile(path: path, reason: "credentials[\(index)]\(entry.id.map { " (\($0))" } ?? ""): \(reason)")
        }
        guard let store = entry.store, !store.isEmpty else {
            throw fail("needs a store (system, user:<id>, folder:<path>)")
        }
        guard let id = entry.id, !id.isEmpty else { throw fail("needs an id") }
        guard let kindText = entry.kind, let kind = SimulatedCredential.Kind(rawValue: kindText) else {
            throw fail("kind must be username_password or secret_text")
        }
        guard let secret = entry.secret else { throw fail("needs a secret") }
        if kind == .usernamePassword && (entry.username ?? "").isEmpty {
            throw fail("a username_password credential needs a username")
        }
        return SimulatedCredential(
            store: store, domain: entry.domain ?? "_", id: id, kind: kind, scope: entry.scope ?? "GLOBAL",
            descriptionText: entry.description ?? "", username: entry.username, secret: secret)
    }

    private static func simulatedToken(_ token: Token, user: String, path: String) throws -> SimulatedToken {
        guard !token.value.isEmpty else {
            throw SimulatorError.usersFile(path: path, reason: "token '\(token.name)' of '\(user)' has an empty value")
        }
        func instant(_ key: String, _ text: String?) throws -> Date? {
            guard let text else { return nil }
            guard let date = parseInstant(text) else {
                throw SimulatorError.usersFile(
                    path: path,
                    reason: "token '\(token.name)' of '\(user)': \(key) '\(text)' is not an ISO 8601 instant")
            }
            return date
        }
        let created = try instant("created", token.created) ?? Date()
        if let expires = token.expires, SimulatorState.isoDay(expires) == nil {
            throw SimulatorError.usersFile(
                path: path, reason: "token '\(token.name)' of '\(user)': expires '\(expires)' is not a yyyy-MM-dd date")
        }
        let lastUse = try instant("last_used", token.lastUsed)
        return SimulatedToken(
            name: token.name, uuid: token.uuid?.lowercased() ?? TokenCrypto.newUUID(), value: token.value,
            created: created, expires: token.expires, useCounter: max(0, token.useCount ?? (lastUse == nil ? 0 : 1)),
            lastUseDate: lastUse, legacy: token.legacy ?? false)
    }

    static func parseInstant(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: text) { return date }
        let dayOnly = ISO8601DateFormatter()
        dayOnly.formatOptions = [.withFullDate]
        return dayOnly.date(from: text)
    }
}
