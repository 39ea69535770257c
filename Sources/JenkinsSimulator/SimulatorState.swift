import Crypto
import Foundation

/// Who is making a request, after Basic authentication.
struct Caller: Sendable {
    let kind: SimulatorAuthKind
    /// The stored user's id, or nil for anonymous.
    let userID: String?
    var name: String { userID ?? "anonymous" }
    var isAnonymous: Bool { userID == nil }
}

/// All mutable simulator state, in one actor: users and their hashed tokens, sessions, faults,
/// held requests, counters and the request log. Each HTTP request is processed by a single call to
/// ``process(_:applyFaults:)``, so the hot path costs one actor hop and no scans.
actor SimulatorState {
    let configuration: SimulatorConfiguration
    let version: JenkinsVersionNumber
    let pages: JenkinsPages
    /// `JSESSIONID.<8 hex>`, chosen afresh at each start.
    let sessionCookieName: String
    let crumbSalt: String
    let calendar: Calendar
    /// The servlet context path (`/jenkins`), or empty.
    let contextPath: String
    /// The credentials plugin's stores: credentials by store, domain and id.
    var credentialStores = CredentialStores()

    var users: [String: StoredUser] = [:]
    var sessions: [String: ContinuousClock.Instant] = [:]
    var faults = FaultBook()
    var counts: [SimulatorEndpoint: Int] = [:]
    var log: [RequestLogEntry] = []
    var adminCanGenerate: Bool

    private var held: [CheckedContinuation<HoldRelease, Never>] = []
    private var holdWaiters: [CheckedContinuation<Void, Never>] = []
    private var stopping = false

    /// Oldest entries are dropped past this size, so long benchmarks stay flat in memory.
    static let logCapacity = 20_000

    init(configuration: SimulatorConfiguration) throws {
        guard let version = JenkinsVersionNumber(configuration.jenkinsVersion) else {
            throw SimulatorError.usage("'\(configuration.jenkinsVersion)' is not a Jenkins version such as 2.555.1")
        }
        self.configuration = configuration
        self.version = version
        self.adminCanGenerate = configuration.adminCanGenerate
        contextPath = try SimulatorConfiguration.normalizedContextPath(configuration.contextPath)
        pages = JenkinsPages(
            version: version, instanceSession: TokenCrypto.hex(TokenCrypto.randomBytes(4)), contextPath: contextPath)
        sessionCookieName = "JSESSIONID." + TokenCrypto.hex(TokenCrypto.randomBytes(4))
        crumbSalt = TokenCrypto.hex(TokenCrypto.randomBytes(8))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.timeZone
        self.calendar = calendar
        for user in configuration.users {
            users[user.id.lowercased()] = StoredUser(user)
        }
        for fault in configuration.faults { faults.add(fault) }
        for credential in configuration.credentials {
            if let user = CredentialStores.userID(ofStore: credential.store), users[user.lowercased()] == nil {
                throw SimulatorError.usage(
                    "credential '\(credential.id)' is in the store of user '\(user)', who is not in the users file")
            }
            try credentialStores.seed(credential)
        }
    }

    // MARK: Pipeline

    /// Runs one request through Jenkins' filter order: faults, Basic auth, CSRF (POST only),
    /// Overall/Read, then routing and permissions.
    func process(_ request: SimulatedRequest, applyFaults: Bool = true) -> SimulatedOutcome {
        if request.isSimulatorAPI {
            return SimulatedOutcome(response: inspect(request))
        }
        if request.outsideContext {
            // Jetty answers before Jenkins' filters: no context handles the path.
            return SimulatedOutcome(
                response: pages.containerError(status: 404, message: "Not Found", uri: request.path))
        }
        let endpoint = Self.classify(request)
        let decision = applyFaults ? faults.decide(for: endpoint) : FaultBook.Decision()
        if decision.hold == .beforeCommit {
            return SimulatedOutcome(response: nil, delay: decision.delay, hold: .beforeCommit)
        }
        counts[endpoint, default: 0] += 1
        var authKind = SimulatorAuthKind.anonymous
        if let status = decision.status {
            record(request, status: status, auth: authKind, endpoint: endpoint)
            return SimulatedOutcome(response: .empty(status), delay: decision.delay)
        }
        var response: SimulatedResponse
        switch authenticate(request) {
        case .failure(let name):
            authKind = .invalid
            response = pages.unauthorized(user: name, uri: request.path)
        case .success(let caller):
            authKind = caller.kind
            response = handle(request, caller: caller, faults: decision)
        }
        var outcome = SimulatedOutcome(response: response, delay: decision.delay)
        if decision.commitThen500 { outcome.response = pages.oops() }
        if decision.drop { outcome.response = nil }
        if decision.hold == .afterCommit { outcome.hold = .afterCommit }
        record(request, status: outcome.response?.status ?? 0, auth: authKind, endpoint: endpoint)
        return outcome
    }

    private func handle(_ request: SimulatedRequest, caller: Caller, faults: FaultBook.Decision) -> SimulatedResponse {
        let session = liveSession(from: request)
        if request.method == "POST", configuration.csrfEnabled, caller.kind != .token {
            guard crumbIsValid(request, caller: caller, session: session) else {
                return pages.noValidCrumb(uri: request.path)
            }
        }
        return route(request, caller: caller, session: session, faults: faults)
    }

    private func record(_ request: SimulatedRequest, status: Int, auth: SimulatorAuthKind, endpoint: SimulatorEndpoint)
    {
        if log.count >= Self.logCapacity { log.removeFirst(log.count / 2) }
        log.append(
            RequestLogEntry(method: request.method, path: request.path, status: status, auth: auth, endpoint: endpoint))
    }

    // MARK: Authentication

    private enum AuthenticationResult {
        case success(Caller)
        case failure(name: String?)
    }

    private func authenticate(_ request: SimulatedRequest) -> AuthenticationResult {
        guard let header = request.authorization, header.count > 6, header.prefix(6).lowercased() == "basic " else {
            return .success(Caller(kind: .anonymous, userID: nil))
        }
        let encoded = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded), let decoded = String(data: data, encoding: .utf8),
            let colon = decoded.firstIndex(of: ":")
        else {
            return .failure(name: nil)
        }
        let name = String(decoded[..<colon])
        let secret = String(decoded[decoded.index(after: colon)...])
        let key = name.lowercased()
        guard let user = users[key] else { return .failure(name: name) }
        if !secret.isEmpty {
            let digest = TokenCrypto.tokenDigest(secret)
            for uuid in user.tokenUUIDs(matching: digest) {
                guard let token = user.tokens[uuid], !isExpired(token) else { continue }
                users[key]?.recordUse(uuid: uuid, at: Date())
                return .success(Caller(kind: .token, userID: user.id))
            }
        }
        if user.passwordMatches(secret) {
            return .success(Caller(kind: .password, userID: user.id))
        }
        return .failure(name: name)
    }

    var expiryEnabled: Bool { version.isAtLeast(548) }

    /// A token is valid through its expiration day; it stops matching the day after (2.548+).
    func isExpired(_ token: StoredToken) -> Bool {
        guard expiryEnabled, let expires = token.expires else { return false }
        return expires < todayString()
    }

    /// Today in the configured zone, `yyyy-MM-dd` (these compare correctly as strings).
    func todayString(offsetDays: Int = 0) -> String {
        let date = calendar.date(byAdding: .day, value: offsetDays, to: Date()) ?? Date()
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    // MARK: Sessions and crumbs

    /// The session named by the request's cookie, if it exists and has not idled out; touching it.
    private func liveSession(from request: SimulatedRequest) -> String? {
        guard let id = request.cookies[sessionCookieName], let lastAccess = sessions[id] else { return nil }
        let now = ContinuousClock.now
        if now - lastAccess > configuration.sessionTimeout {
            sessions[id] = nil
            return nil
        }
        sessions[id] = now
        return id
    }

    func newSession() -> String {
        let id = "node0" + TokenCrypto.hex(TokenCrypto.randomBytes(13)) + ".node0"
        sessions[id] = ContinuousClock.now
        return id
    }

    func crumb(for caller: Caller, session: String?) -> String {
        var text = caller.name
        if !configuration.crumbExcludesSessionID { text += ";" + (session ?? "") }
        let input = Array(text.utf8) + Array(crumbSalt.utf8)
        return version.isAtLeast(190)
            ? TokenCrypto.hex(SHA256.hash(data: input)) : TokenCrypto.hex(Insecure.MD5.hash(data: input))
    }

    private func crumbIsValid(_ request: SimulatedRequest, caller: Caller, session: String?) -> Bool {
        guard let presented = request.crumbHeader ?? request.parameter(configuration.crumbField) else { return false }
        if !configuration.crumbExcludesSessionID && session == nil { return false }
        let expected = crumb(for: caller, session: session)
        return TokenCrypto.constantTimeEquals(Array(presented.utf8), Array(expected.utf8))
    }

    func expireAllSessions() { sessions = [:] }

    // MARK: Holding requests

    /// Parks the calling request until ``releaseHeld()`` or ``shutDown()``.
    func hold() async -> HoldRelease {
        if stopping { return .drop }
        return await withCheckedContinuation { continuation in
            held.append(continuation)
            let waiters = holdWaiters
            holdWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    var heldCount: Int { held.count }

    func waitUntilHeld() async {
        if !held.isEmpty { return }
        await withCheckedContinuation { holdWaiters.append($0) }
    }

    func releaseHeld() {
        let parked = held
        held = []
        for continuation in parked { continuation.resume(returning: .proceed) }
    }

    /// Lets every held request go with a dropped connection, and refuses to hold more.
    func shutDown() {
        stopping = true
        let parked = held
        held = []
        for continuation in parked { continuation.resume(returning: .drop) }
        let waiters = holdWaiters
        holdWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Classification

    /// Which endpoint a request is aimed at, from its path alone.
    static func classify(_ request: SimulatedRequest) -> SimulatorEndpoint {
        let segments = request.segments
        guard let first = segments.first else { return .page }
        switch first {
        case "whoAmI": return .whoami
        case "crumbIssuer": return .crumb
        case "api": return .api
        case "asynchPeople", "people": return .people
        case "credentials": return .credentials
        case "job": return segments.contains("credentials") ? .credentials : .page
        case "me", "user":
            if segments.count > 2, segments[2] == "credentials" { return .credentials }
            let rest = Array(segments.dropFirst(first == "me" ? 1 : 2))
            if rest.count == 3, rest[0] == "descriptorByName", Self.descriptorNames.contains(rest[1]) {
                return Self.tokenMethods[rest[2]] ?? .other
            }
            if rest.first == "api" { return .api }
            if rest == ["security"] || rest == ["configure"] { return .security }
            return .page
        default: return .other
        }
    }

    static let descriptorNames: Set<String> = ["jenkins.security.ApiTokenProperty", "ApiTokenProperty"]
    /// Web method names of `ApiTokenProperty.DescriptorImpl`, by endpoint.
    static let tokenMethods: [String: SimulatorEndpoint] = [
        "generateNewToken": .generate, "revoke": .revoke, "revokeAll": .revokeAll,
        "revokeAllExcept": .revokeAllExcept, "rename": .rename, "addFixedToken": .addFixedToken,
    ]
}
