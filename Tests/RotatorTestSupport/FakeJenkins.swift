import Foundation
import Locking
import RotatorCore

/// A Jenkins in memory: users and their tokens, hashed values, revoke that answers 200 for an unknown uuid, and
/// faults a test sets per operation. Implements the engine's ``JenkinsTokenAPI``.
public final class FakeJenkins: JenkinsTokenAPI, @unchecked Sendable {
    /// One operation the engine asks of Jenkins, for fault rules.
    public enum Operation: Sendable, Equatable {
        case version
        case generate(user: String, name: String)
        case revoke(user: String, uuid: String)
        /// `whoAmI` with a token of this fingerprint.
        case whoAmI(fingerprint: String)
        case list(user: String)
    }

    /// What a faulty operation does instead of answering normally.
    public enum Fault: Sendable, Equatable {
        /// 5xx before doing anything.
        case serverError
        /// 401.
        case unauthorized
        /// 403, which stops the controller.
        case forbidden
        /// Does the work, then the response is lost (the connection drops).
        case responseLost
        /// Answers 200 and does nothing (a revoke that did not take).
        case noOp
        /// A security page without the API-token section: no evidence either way.
        case pageWithoutTokenSection
    }

    public struct Token: Sendable, Equatable {
        public var user: String
        public var name: String
        public var uuid: String
        public var fingerprint: String
        public var value: Secret
    }

    weak var world: FakeWorld?
    private let state = LockedValue<(tokens: [Token], users: Set<String>, minted: Int)>(([], [], 0))
    private let faultRule = LockedValue<@Sendable (Operation) -> Fault?>({ _ in nil })
    public var version: JenkinsVersion? = JenkinsVersion("2.479.3")

    init() {}

    /// Every call after this consults `rule`; nil answers normally.
    public func faults(_ rule: @escaping @Sendable (Operation) -> Fault?) {
        faultRule.withLock { $0 = rule }
    }

    public func addUser(_ user: String) {
        state.withLock { _ = $0.users.insert(user) }
    }

    /// Puts a token in place (seeding a test), returning it.
    @discardableResult
    public func seed(user: String, name: String, uuid: String = UUID().uuidString.lowercased()) -> Token {
        state.withLock { state in
            state.users.insert(user)
            state.minted += 1
            let value = Secret(String(format: "11%030x", state.minted))
            let token = Token(user: user, name: name, uuid: uuid, fingerprint: value.fingerprint, value: value)
            state.tokens.append(token)
            return token
        }
    }

    /// The live tokens of a user.
    public func tokens(of user: String) -> [Token] {
        state.withLock { $0.tokens.filter { $0.user == user } }
    }

    /// Whether a value authenticates (as which user), as Jenkins would tell.
    public func authenticates(_ value: Secret) -> String? {
        state.withLock { $0.tokens.first { $0.fingerprint == value.fingerprint }?.user }
    }

    private func fault(_ operation: Operation) -> Fault? {
        faultRule.withLock { $0 }(operation)
    }

    private func requireAuthenticated(_ credential: JenkinsCredential) throws {
        let ok = state.withLock { state in
            credential.kind == .password
                ? state.users.contains(credential.user)
                : state.tokens.contains {
                    $0.fingerprint == credential.secret.fingerprint && $0.user == credential.user
                }
        }
        if !ok { throw FakeJenkinsFailure.unauthorized }
    }

    public func version(as credential: JenkinsCredential?) async throws -> JenkinsVersion? {
        try world!.read { version }
    }

    public func generateToken(
        forUser user: String, name: String, expirationDays: Int?, as credential: JenkinsCredential
    ) async throws -> MintedToken {
        try world!.effect("generate \(user)/\(name)") {
            let fault = fault(.generate(user: user, name: name))
            if let fault, let failure = FakeJenkinsFailure(fault), fault != .responseLost { throw failure }
            try requireAuthenticated(credential)
            let token = seed(user: user, name: name)
            if fault == .responseLost { throw FakeJenkinsFailure.responseLost }
            return MintedToken(name: name, uuid: token.uuid, value: token.value)
        }
    }

    public func revokeToken(user: String, uuid: String, as credential: JenkinsCredential) async throws {
        try world!.effect("revoke \(user)/\(uuid)") {
            let fault = fault(.revoke(user: user, uuid: uuid))
            if let fault, let failure = FakeJenkinsFailure(fault), fault != .responseLost { throw failure }
            try requireAuthenticated(credential)
            if fault == .noOp { return }
            state.withLock { $0.tokens.removeAll { $0.user == user && $0.uuid == uuid } }
            if fault == .responseLost { throw FakeJenkinsFailure.responseLost }
        }
    }

    public func whoAmI(_ credential: JenkinsCredential) async throws -> String {
        try world!.effect("whoAmI \(credential.secret.fingerprint)") {
            if let fault = fault(.whoAmI(fingerprint: credential.secret.fingerprint)),
                let failure = FakeJenkinsFailure(fault)
            {
                throw failure
            }
            try requireAuthenticated(credential)
            return credential.user
        }
    }

    public func listTokens(user: String, as credential: JenkinsCredential) async throws -> [ListedToken] {
        try world!.effect("list \(user)") {
            if let fault = fault(.list(user: user)), let failure = FakeJenkinsFailure(fault) { throw failure }
            try requireAuthenticated(credential)
            return tokens(of: user).map { ListedToken(name: $0.name, uuid: $0.uuid) }
        }
    }
}

/// How the fake Jenkins fails, classified as the real client classifies its errors.
public enum FakeJenkinsFailure: JenkinsFailure, Equatable {
    case serverError
    case unauthorized
    case forbidden
    case responseLost
    case noTokenSection

    init?(_ fault: FakeJenkins.Fault) {
        switch fault {
        case .serverError: self = .serverError
        case .unauthorized: self = .unauthorized
        case .forbidden: self = .forbidden
        case .responseLost: self = .responseLost
        case .pageWithoutTokenSection: self = .noTokenSection
        case .noOp: return nil
        }
    }

    public var isRetryable: Bool { self == .serverError || self == .responseLost }
    public var stopsController: Bool { self == .unauthorized || self == .forbidden }
    public var responseMayBeLost: Bool { self == .responseLost }
    public var isUnauthorized: Bool { self == .unauthorized }

    public var description: String {
        switch self {
        case .serverError: "HTTP 503 (fake)"
        case .unauthorized: "HTTP 401 (fake)"
        case .forbidden: "HTTP 403 (fake)"
        case .responseLost: "the connection dropped before the response (fake)"
        case .noTokenSection: "the security page shows no API token section (fake)"
        }
    }
}
