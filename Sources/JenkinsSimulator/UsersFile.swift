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
///       - { name: ci, uuid: 0b6d…, value: 11aa…, created: 2026-01-05T00:00:00Z, expires: 2027-01-01 }
/// ```
public enum UsersFile {
    private struct Document: Decodable {
        var users: [User]?
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
    }

    /// Reads and decodes a users file.
    public static func load(path: String) throws -> [SimulatedUser] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SimulatorError.usersFile(
                path: path, reason: "the file cannot be read (\(error.localizedDescription))")
        }
        return try parse(text, path: path)
    }

    /// Decodes users-file YAML; `path` only names the source in errors.
    public static func parse(_ yaml: String, path: String = "<users>") throws -> [SimulatedUser] {
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: yaml)
        } catch {
            throw SimulatorError.usersFile(path: path, reason: "invalid YAML (\(error))")
        }
        var seen: Set<String> = []
        return try (document.users ?? []).map { user in
            guard !user.id.isEmpty else { throw SimulatorError.usersFile(path: path, reason: "a user has an empty id") }
            guard seen.insert(user.id.lowercased()).inserted else {
                throw SimulatorError.usersFile(path: path, reason: "user '\(user.id)' appears twice (ids ignore case)")
            }
            let tokens = try (user.tokens ?? []).map { token in
                try simulatedToken(token, user: user.id, path: path)
            }
            return SimulatedUser(
                id: user.id, password: user.password, admin: user.admin ?? false, read: user.read ?? true,
                tokens: tokens)
        }
    }

    private static func simulatedToken(_ token: Token, user: String, path: String) throws -> SimulatedToken {
        guard !token.value.isEmpty else {
            throw SimulatorError.usersFile(path: path, reason: "token '\(token.name)' of '\(user)' has an empty value")
        }
        var created = Date()
        if let text = token.created {
            guard let date = parseInstant(text) else {
                throw SimulatorError.usersFile(
                    path: path,
                    reason: "token '\(token.name)' of '\(user)': created '\(text)' is not an ISO 8601 instant")
            }
            created = date
        }
        if let expires = token.expires, SimulatorState.isoDay(expires) == nil {
            throw SimulatorError.usersFile(
                path: path, reason: "token '\(token.name)' of '\(user)': expires '\(expires)' is not a yyyy-MM-dd date")
        }
        return SimulatedToken(
            name: token.name, uuid: token.uuid?.lowercased() ?? TokenCrypto.newUUID(), value: token.value,
            created: created, expires: token.expires)
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
