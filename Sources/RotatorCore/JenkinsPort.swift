import Foundation

/// Who a Jenkins call authenticates as: a user id and either an API token or a password.
public struct JenkinsCredential: Sendable, Equatable {
    public var user: String
    public var secret: Secret
    public var kind: AuthReference.Kind

    public init(user: String, secret: Secret, kind: AuthReference.Kind) {
        self.user = user
        self.secret = secret
        self.kind = kind
    }
}

/// A token Jenkins has just minted. Its value exists only here and in the sinks.
public struct MintedToken: Sendable, Equatable {
    public var name: String
    public var uuid: String
    public var value: Secret

    public init(name: String, uuid: String, value: Secret) {
        self.name = name
        self.uuid = uuid
        self.value = value
    }
}

/// A token as listed on a user's security page: Jenkins shows no value and no usable date.
public struct ListedToken: Sendable, Equatable {
    public var name: String
    public var uuid: String

    public init(name: String, uuid: String) {
        self.name = name
        self.uuid = uuid
    }
}

/// The token operations the engine needs from one controller (jenkins-api.md §4–§9).
/// `JenkinsAPI.JenkinsClient` implements it over HTTP; tests may use fakes.
public protocol JenkinsTokenAPI: Sendable {
    /// The Jenkins version from `X-Jenkins`, nil when the controller does not say.
    func version(as credential: JenkinsCredential?) async throws -> JenkinsVersion?

    /// `POST /user/<user>/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken`.
    /// Never retried once sent: a lost response throws an error whose `responseMayBeLost` is true.
    func generateToken(
        forUser user: String, name: String, expirationDays: Int?, as credential: JenkinsCredential
    ) async throws -> MintedToken

    /// `POST …/revoke`. Jenkins answers 200 whether or not the uuid existed.
    func revokeToken(user: String, uuid: String, as credential: JenkinsCredential) async throws

    /// `GET /whoAmI/api/json` with the given credential: the name Jenkins authenticated.
    /// A 401 throws an error whose `isUnauthorized` is true.
    func whoAmI(_ credential: JenkinsCredential) async throws -> String

    /// The tokens on `/user/<user>/security/` (both markups of jenkins-api.md §7).
    func listTokens(user: String, as credential: JenkinsCredential) async throws -> [ListedToken]
}

/// How the engine reads a failed Jenkins call, whatever module raised it.
public protocol JenkinsFailure: Error, CustomStringConvertible {
    /// Worth trying again later in this run (network errors, 5xx) for an idempotent step.
    var isRetryable: Bool { get }
    /// Stop talking to this controller for the rest of the run (401/403, a persistent crumb
    /// rejection, an admin who may not mint for others).
    var stopsController: Bool { get }
    /// The request may have taken effect even though no answer came back (a generate whose
    /// response was lost).
    var responseMayBeLost: Bool { get }
    /// Jenkins answered 401: the credential does not authenticate.
    var isUnauthorized: Bool { get }
}

/// A Jenkins version such as `2.479.3` or `2.548`, compared numerically part by part.
public struct JenkinsVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let parts: [Int]
    public let text: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numeric = trimmed.split(separator: "-", maxSplits: 1).first.map(String.init) ?? trimmed
        let parts = numeric.split(separator: ".").map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        self.parts = parts.compactMap { $0 }
        self.text = trimmed
    }

    public var description: String { text }

    /// Native token expiry (`expirationDuration`) exists from weekly 2.548 and LTS 2.555.1.
    public var supportsTokenExpiry: Bool { self >= JenkinsVersion("2.548")! }

    public static func < (lhs: JenkinsVersion, rhs: JenkinsVersion) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public static func == (lhs: JenkinsVersion, rhs: JenkinsVersion) -> Bool {
        !(lhs < rhs) && !(rhs < lhs)
    }

    public func hash(into hasher: inout Hasher) {
        var trimmed = parts
        while trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
    }
}
