import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import RotatorCore

/// The HTTP client of one Jenkins controller: API tokens (generate, revoke, list), identity (`whoAmI`),
/// version, and the `check` probe. It implements ``RotatorCore/JenkinsTokenAPI``.
///
/// - Password credentials get a CSRF crumb from `/crumbIssuer/api/json` and a cookie jar (one session per
///   user); a crumb rejected once is fetched again and the request resent, a second rejection stops.
/// - API-token credentials send neither crumb nor cookies (Jenkins exempts them from CSRF).
/// - At most `concurrency` requests are in flight to the controller at any time.
/// - Idempotent calls are retried on network errors and 5xx; `generateNewToken` never is.
///
/// Errors are ``JenkinsClientError`` (or `CancellationError` for a cancelled idempotent call).
public final class JenkinsClient: JenkinsTokenAPI {
    public let configuration: JenkinsClientConfiguration
    let httpClient: HTTPClient
    let logger: Logger
    /// The TLS settings, or why they could not be built (a bad `ca_file`): then every request of this
    /// controller fails with that error, and the other controllers of the run carry on.
    let tlsConfiguration: Result<TLSConfiguration?, JenkinsClientError>
    let permits: AsyncSemaphore
    /// The run-wide cap shared with the other controllers' clients; nil when only `concurrency` applies.
    let sharedSlots: RequestSlots?
    let sessions = PasswordSessions()
    let sleep: @Sendable (Duration) async throws -> Void
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    /// The base URL as text, ending in `/`.
    let root: String
    /// The path part of the base URL, ending in `/` (cookie paths are matched against it).
    let rootPath: String
    /// Test-only: never send session cookies, to prove Jenkins needs them.
    let dropsSessionCookies: Bool

    /// Creates the client of one controller.
    /// - Parameters:
    ///   - httpClient: shared by every controller of a run; the caller shuts it down. Use
    ///     ``recommendedHTTPClientConfiguration()`` so that redirects are not followed and connection
    ///     failures surface at once (this client does its own retrying).
    ///   - sharedSlots: the run's cap over all controllers (`limits.max_requests_in_flight`), taken after this
    ///     controller's own permit and held only while a request is on the wire.
    ///   - sleep: waits between retries; tests inject a recorder.
    ///
    /// A `caFile` that cannot be read does not stop the caller: every request of this client then fails with
    /// ``JenkinsClientError/tlsFailure(_:detail:)``, which stops this controller only.
    public convenience init(
        configuration: JenkinsClientConfiguration, httpClient: HTTPClient, logger: Logger,
        sharedSlots: RequestSlots? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.init(
            configuration: configuration, httpClient: httpClient, logger: logger, sleep: sleep,
            now: { Date() }, random: { Double.random(in: 0...1) }, dropsSessionCookies: false,
            sharedSlots: sharedSlots)
    }

    init(
        configuration: JenkinsClientConfiguration, httpClient: HTTPClient, logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void, now: @escaping @Sendable () -> Date,
        random: @escaping @Sendable () -> Double, dropsSessionCookies: Bool, sharedSlots: RequestSlots? = nil
    ) {
        self.sharedSlots = sharedSlots
        self.configuration = configuration
        self.httpClient = httpClient
        var logger = logger
        logger[metadataKey: "controller"] = .string(configuration.controller)
        self.logger = logger
        self.permits = AsyncSemaphore(limit: configuration.concurrency)
        self.sleep = sleep
        self.now = now
        self.random = random
        self.dropsSessionCookies = dropsSessionCookies
        var root = configuration.baseURL.absoluteString
        if !root.hasSuffix("/") { root += "/" }
        self.root = root
        var rootPath = configuration.baseURL.path
        if !rootPath.hasSuffix("/") { rootPath += "/" }
        self.rootPath = rootPath
        self.tlsConfiguration = Result { try Self.makeTLSConfiguration(configuration, root: root, logger: logger) }
            .mapError { $0 as? JenkinsClientError ?? .tlsFailure(Self.tlsSite(configuration, root), detail: "\($0)") }
    }

    /// An `HTTPClient` configuration suited to Jenkins: no redirects (a redirect means a proxy or login
    /// page, never a Jenkins API answer), no automatic connection retries (this client retries itself),
    /// a read timeout as a backstop for slow bodies, and no tracing spans (nothing collects them; building each
    /// span's attributes parses the request URL again).
    public static func recommendedHTTPClientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(120)),
            decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        // A run works a few controllers at a time (the engine's RotationScheduler): a finished controller's
        // keep-alive connections are closed soon, so open descriptors follow the caps, not the policy's controllers.
        configuration.connectionPool.idleTimeout = idleConnectionTimeout
        configuration.tracing.tracer = nil
        return configuration
    }

    /// How long a connection with nothing to send stays open. Requests of one controller follow each other within
    /// milliseconds, so this only closes connections of controllers the run has finished with.
    public static let idleConnectionTimeout: TimeAmount = .seconds(1)

    private static func tlsSite(_ configuration: JenkinsClientConfiguration, _ root: String) -> RequestSite {
        RequestSite(controller: configuration.controller, method: "TLS", url: root, user: nil)
    }

    private static func makeTLSConfiguration(
        _ configuration: JenkinsClientConfiguration, root: String, logger: Logger
    ) throws -> TLSConfiguration? {
        guard configuration.caFile != nil || configuration.insecure else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw JenkinsClientError.tlsFailure(
                        tlsSite(configuration, root), detail: "ca_file '\(caFile)' holds no PEM certificate")
                }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch let error as JenkinsClientError {
                throw error
            } catch {
                throw JenkinsClientError.tlsFailure(
                    tlsSite(configuration, root), detail: "cannot read ca_file '\(caFile)': \(error)")
            }
        }
        if configuration.insecure {
            tls.certificateVerification = .none
            logger.warning(
                "TLS certificate verification is OFF for this controller (insecure: true in the policy)",
                metadata: ["url": .string(root)])
        }
        return tls
    }
}

// MARK: - Requests

/// One Jenkins call, before authentication details are added.
struct JenkinsRequest: Sendable {
    var method: HTTPMethod
    /// Relative to the controller root, already percent-encoded, without a leading `/`.
    var path: String
    var query: String?
    var form: [(String, String)]?
    /// An XML document to send (`application/xml`); it may hold a secret, so it is never logged.
    var xmlBody: Secret?
    var credential: JenkinsCredential?
    /// What the call is for, in logs: `crumb`, `generate`, `revoke`, `whoAmI`, `version`, `listTokens`.
    var step: String
    var uuid: String?
    /// Set for `generateNewToken`: never retried, and a lost answer may hide a created token.
    var isGenerate = false
}

/// A Jenkins answer with its body read.
struct JenkinsResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer
    var site: RequestSite

    var bodyText: String { String(buffer: body) }
    var isEmptyBody: Bool { body.readableBytes == 0 }
}

extension JenkinsClient {
    func site(_ request: JenkinsRequest) -> RequestSite {
        RequestSite(
            controller: configuration.controller, method: request.method.rawValue, url: url(request),
            user: request.credential?.user)
    }

    func url(_ request: JenkinsRequest) -> String {
        root + request.path + (request.query.map { "?" + $0 } ?? "")
    }

    func requestLogger(_ request: JenkinsRequest) -> Logger {
        var logger = self.logger
        // `actor`: who authenticates this request; `user` is reserved for a token's owner (docs/logging.md).
        if let actor = request.credential?.user { logger[metadataKey: "actor"] = .string(actor) }
        logger[metadataKey: "step"] = .string(request.step)
        if let uuid = request.uuid { logger[metadataKey: "uuid"] = .string(uuid) }
        return logger
    }

    /// Sends `request` with CSRF handling for password POSTs and retries for idempotent calls.
    func send(_ request: JenkinsRequest) async throws -> JenkinsResponse {
        guard request.method == .POST, let credential = request.credential else {
            return try await sendRetrying(request, session: nil, crumb: nil)
        }
        if credential.kind == .apiToken {
            let response = try await sendRetrying(request, session: nil, crumb: nil)
            if ResponseClassifier.isCrumbRejection(response, request: request) {
                throw JenkinsClientError.crumbRejected(response.site, tokenAuth: true)
            }
            return response
        }
        let session = sessions.session(for: credential.user)
        var refreshed = false
        while true {
            let crumb = try await session.currentCrumb { [self] in
                try await fetchCrumb(as: credential, session: session)
            }
            let response = try await sendRetrying(request, session: session, crumb: crumb)
            guard ResponseClassifier.isCrumbRejection(response, request: request) else { return response }
            if refreshed {
                requestLogger(request).error("Jenkins rejected a fresh CSRF crumb; stopping")
                throw JenkinsClientError.crumbRejected(response.site, tokenAuth: false)
            }
            // Jenkins rejects a bad crumb before doing anything, so resending (even a generate) is safe.
            requestLogger(request).notice("CSRF crumb rejected (session expired?); fetching a new one and resending")
            refreshed = true
            await session.invalidate(crumb)
        }
    }

    /// `GET /crumbIssuer/api/json` within `session`.
    func fetchCrumb(as credential: JenkinsCredential?, session: PasswordSession?) async throws -> CrumbState {
        let request = JenkinsRequest(
            method: .GET, path: "crumbIssuer/api/json", credential: credential, step: "crumb")
        let response = try await sendRetrying(request, session: session, crumb: nil)
        switch response.status {
        case 200:
            let decoded = try ResponseClassifier.decodeJSON(
                CrumbResponse.self, from: response, expected: "the crumb issuer's JSON")
            requestLogger(request).debug(
                "fetched a CSRF crumb", metadata: ["crumbRequestField": .string(decoded.crumbRequestField)])
            return .crumb(field: decoded.crumbRequestField, value: decoded.crumb)
        case 404:
            requestLogger(request).debug("crumb issuer answered 404: CSRF protection is off")
            return .csrfDisabled
        default:
            throw ResponseClassifier.failure(for: response, request: request, targetUser: nil)
        }
    }

    /// One call, retried with backoff on network errors and 5xx unless it is a generate; a 429 or 503 with
    /// `Retry-After` waits `min(Retry-After, timeout)` instead (SPEC §8.12), within the same attempt budget.
    func sendRetrying(
        _ request: JenkinsRequest, session: PasswordSession?, crumb: CrumbState?
    ) async throws -> JenkinsResponse {
        let attempts = request.isGenerate ? 1 : configuration.retry.maxAttempts
        var attempt = 1
        while true {
            let outcome: Result<JenkinsResponse, JenkinsClientError>
            do {
                outcome = .success(try await sendOnce(request, session: session, crumb: crumb))
            } catch let error as JenkinsClientError {
                outcome = .failure(error)
            }
            let retryReason: String
            var retryAfter: Duration?
            switch outcome {
            case .success(let response) where RetryAfter.applies(to: response.status):
                retryAfter = RetryAfter.delay(response.headers.first(name: "Retry-After"), now: now())
                guard retryAfter != nil || response.status >= 500 else { return response }
                retryReason = "HTTP \(response.status)"
            case .success(let response) where response.status >= 500:
                retryReason = "HTTP \(response.status)"
            case .success(let response):
                return response
            case .failure(let error) where error.isRetryable:
                retryReason = "\(error)"
            case .failure(let error):
                throw error
            }
            guard attempt < attempts else { return try outcome.get() }
            // Jenkins (or its proxy) said how long to wait: do that, but never longer than one request may take.
            let delay =
                retryAfter.map { min($0, configuration.timeout) }
                ?? configuration.retry.delay(beforeRetry: attempt, random: random())
            requestLogger(request).notice(
                "retrying after a transient failure",
                metadata: [
                    "attempt": .stringConvertible(attempt), "delay_ms": .stringConvertible(delay.milliseconds),
                    "reason": .string(retryReason),
                ])
            try await sleep(delay)
            attempt += 1
        }
    }

    /// Exactly one HTTP exchange, holding a concurrency permit for its duration.
    func sendOnce(
        _ request: JenkinsRequest, session: PasswordSession?, crumb: CrumbState?
    ) async throws -> JenkinsResponse {
        let site = site(request)
        var http = HTTPClientRequest(url: site.url)
        http.method = request.method
        http.tlsConfiguration = try tlsConfiguration.get()
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        http.headers.add(name: "Accept", value: "application/json, text/html;q=0.9, */*;q=0.8")
        if let credential = request.credential {
            http.headers.add(name: "Authorization", value: Self.basicAuthorization(credential))
        }
        let requestPath = rootPath + request.path
        if let session, !dropsSessionCookies,
            let cookie = await session.cookieHeader(forPath: requestPath, now: now())
        {
            http.headers.add(name: "Cookie", value: cookie)
        }
        if case .crumb(let field, let value) = crumb {
            http.headers.add(name: field, value: value)
        }
        if let form = request.form {
            let body = URLEncoding.form(form)
            http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            http.headers.add(name: "Content-Length", value: String(body.utf8.count))
            http.body = .bytes(ByteBuffer(string: body))
        } else if let xmlBody = request.xmlBody {
            let body = xmlBody.reveal()
            http.headers.add(name: "Content-Type", value: "application/xml; charset=utf-8")
            http.headers.add(name: "Content-Length", value: String(body.utf8.count))
            http.body = .bytes(ByteBuffer(string: body))
        } else if request.method == .POST {
            http.headers.add(name: "Content-Length", value: "0")
        }

        let response: JenkinsResponse
        // This controller's permit, then the run's: always in this order (see RequestSlots).
        try await permits.acquire()
        if let sharedSlots {
            do {
                try await sharedSlots.semaphore.acquire()
            } catch {
                permits.release()
                throw error
            }
        }
        // The deadline starts once the request may go: time spent waiting for a slot is not the controller's fault.
        let timeout = configuration.timeout
        let started = ContinuousClock.now
        do {
            defer {
                sharedSlots?.semaphore.release()
                permits.release()
            }
            // async-http-client logs at debug and trace only; the per-request metadata (a dictionary to build for
            // every request) is worth it only when those levels are on.
            let answer = try await httpClient.execute(
                http, deadline: .now() + TimeAmount(timeout),
                logger: logger.logLevel <= .debug ? requestLogger(request) : logger)
            let body = try await answer.body.collect(upTo: Self.maxBodyBytes)
            response = JenkinsResponse(
                status: Int(answer.status.code), headers: answer.headers, body: body, site: site)
        } catch {
            if Task.isCancelled, !request.isGenerate { throw CancellationError() }
            let failure = TransportFailure.classify(
                error, site: site, timeout: timeout, maySendHaveHappened: request.isGenerate)
            requestLogger(request).warning(
                "Jenkins request failed", metadata: ["error": .string(failure.description)])
            throw failure
        }
        if let session {
            let setCookies = response.headers["Set-Cookie"]
            if !setCookies.isEmpty {
                await session.store(setCookieHeaders: setCookies, requestPath: requestPath, now: now())
            }
        }
        guard logger.logLevel <= .debug else { return response }
        requestLogger(request).debug(
            "Jenkins request",
            metadata: [
                "method": .string(request.method.rawValue), "url": .string(site.url),
                "status": .stringConvertible(response.status),
                "ms": .stringConvertible((ContinuousClock.now - started).milliseconds),
            ])
        return response
    }

    /// The largest response body read; a longer one fails the call as a malformed response.
    static let maxBodyBytes = 8 << 20

    static func basicAuthorization(_ credential: JenkinsCredential) -> String {
        let pair = credential.user + ":" + credential.secret.reveal()
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
