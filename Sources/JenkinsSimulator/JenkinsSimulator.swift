import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Locking
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// A running simulated Jenkins controller, served over real HTTP (or HTTPS) on a loopback port.
///
/// ```swift
/// let simulator = try await JenkinsSimulator.start(SimulatorConfiguration(users: [alice]))
/// defer { Task { await simulator.stop() } }
/// // point a client at simulator.baseURL …
/// ```
public final class JenkinsSimulator: Sendable {
    /// Base URL ending in `/`, e.g. `http://127.0.0.1:49152/`, or `http://127.0.0.1:49152/jenkins/` under a
    /// context path.
    public let baseURL: URL
    /// The bound port.
    public let port: Int
    /// The configuration it was started with.
    public let configuration: SimulatorConfiguration
    /// The session cookie name of this run, `JSESSIONID.<8 hex>`.
    public let sessionCookieName: String

    /// The controller that the inspection methods speak for: the only one, or the first of several.
    let state: SimulatorState
    /// Every controller's state by name (one, named "", unless the configuration names several).
    private let states: [String: SimulatorState]
    /// The names of the controllers served, in the users file's order; empty for a single controller.
    public let controllerNames: [String]
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, Never>

    private init(
        baseURL: URL, port: Int, configuration: SimulatorConfiguration,
        states: [(name: String, state: SimulatorState)], serviceGroup: ServiceGroup, runTask: Task<Void, Never>
    ) {
        self.baseURL = baseURL
        self.port = port
        self.configuration = configuration
        self.state = states[0].state
        self.states = Dictionary(uniqueKeysWithValues: states.map { ($0.name, $0.state) })
        self.controllerNames = configuration.controllers.map(\.name)
        self.sessionCookieName = states[0].state.sessionCookieName
        self.serviceGroup = serviceGroup
        self.runTask = runTask
    }

    /// Starts a simulator and returns once its port is bound.
    public static func start(_ configuration: SimulatorConfiguration, logger: Logger? = nil) async throws
        -> JenkinsSimulator
    {
        guard let crumbField = HTTPField.Name(configuration.crumbField) else {
            throw SimulatorError.usage("'\(configuration.crumbField)' is not a valid header name for the crumb field")
        }
        var logger = logger ?? Logger(label: "jenkins-sim")
        if logger.logLevel < .error && ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil {
            logger.logLevel = .error
        }
        let scheme = configuration.tls == nil ? "http" : "https"
        func responder(_ state: SimulatorState, simulatorAPIPath: String = "/_sim") -> SimulatorResponder {
            SimulatorResponder(
                state: state, latency: configuration.latency, crumbField: crumbField, scheme: scheme,
                contextPath: state.contextPath, simulatorAPIPath: simulatorAPIPath)
        }
        let contextPath = try SimulatorConfiguration.normalizedContextPath(configuration.contextPath)
        let states: [(name: String, state: SimulatorState)]
        let app: any ApplicationProtocol
        let bound = BoundPort()
        let serverBuilder = try serverBuilder(configuration.tls)
        let serverConfiguration = ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: nil, reuseAddress: true)
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            bound.resolve(.success(channel.localAddress?.port ?? configuration.port))
        }
        if configuration.controllers.isEmpty {
            let state = try SimulatorState(configuration: configuration)
            states = [("", state)]
            app = Application(
                responder: responder(state), server: serverBuilder, configuration: serverConfiguration,
                onServerRunning: onServerRunning, logger: logger)
        } else {
            if let problem = SimulatedController.problem(in: configuration.controllers) {
                throw SimulatorError.usage(problem)
            }
            states = try configuration.controllers.map { controller in
                var own = configuration
                own.users = controller.users
                own.credentials = controller.credentials
                own.contextPath = contextPath + "/" + controller.name
                own.controllers = []
                return (controller.name, try SimulatorState(configuration: own))
            }
            let responders = states.map { ($0.name, responder($0.state, simulatorAPIPath: "/_sim/\($0.name)")) }
            let router = ControllerRouter(
                controllers: Dictionary(uniqueKeysWithValues: responders), contextPath: contextPath)
            app = Application(
                responder: router, server: serverBuilder, configuration: serverConfiguration,
                onServerRunning: onServerRunning, logger: logger)
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            do {
                try await serviceGroup.run()
                bound.resolve(.failure(SimulatorError.startFailed(reason: "the server stopped before it was running")))
            } catch {
                bound.resolve(.failure(SimulatorError.startFailed(reason: "\(error)")))
            }
        }
        let port: Int
        do {
            port = try await bound.value()
        } catch {
            runTask.cancel()
            throw error
        }
        let hostForURL = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        guard let baseURL = URL(string: "\(scheme)://\(hostForURL):\(port)\(contextPath)/") else {
            throw SimulatorError.startFailed(reason: "cannot form a URL from host \(configuration.host)")
        }
        return JenkinsSimulator(
            baseURL: baseURL, port: port, configuration: configuration, states: states, serviceGroup: serviceGroup,
            runTask: runTask)
    }

    private static func serverBuilder(_ tls: SimulatorTLS?) throws -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(key))
            return try .tls(.http1(), tlsConfiguration: configuration)
        } catch {
            throw SimulatorError.tls(reason: "\(error)")
        }
    }

    /// The base URL of one of several controllers (`<baseURL><name>/`), or nil when no controller has that name.
    public func url(ofController name: String) -> URL? {
        guard states[name] != nil, !name.isEmpty else { return nil }
        return baseURL.appendingPathComponent(name, isDirectory: true)
    }

    /// Stops the server: held requests are dropped, then the server shuts down gracefully.
    public func stop() async {
        for state in states.values { await state.shutDown() }
        await serviceGroup.triggerGracefulShutdown()
        await runTask.value
    }

    /// Waits until the server has stopped (for the command line, which stops on a signal).
    func waitUntilStopped() async { await runTask.value }

    // MARK: Inspection and control

    /// The tokens a user holds now (never their values).
    public func tokens(of user: String) async -> [TokenSnapshot] { await state.tokens(of: user) }

    /// The tokens a user of one of several controllers holds now.
    public func tokens(of user: String, onController name: String) async -> [TokenSnapshot] {
        await states[name]?.tokens(of: user) ?? []
    }

    /// Every credential of the credentials plugin's stores: redacted XML and a digest of the secret, never the secret.
    public func credentials() async -> [CredentialSnapshot] { await state.credentialSnapshots() }

    /// How many requests reached an endpoint since the start or the last ``resetCounters()``.
    public func requestCount(_ endpoint: SimulatorEndpoint) async -> Int { await state.requestCount(endpoint) }

    /// How many requests reached an endpoint of one of several controllers.
    public func requestCount(_ endpoint: SimulatorEndpoint, onController name: String) async -> Int {
        await states[name]?.requestCount(endpoint) ?? 0
    }

    /// The request log (method, path, status, auth kind, endpoint), oldest first.
    public func requestLog() async -> [RequestLogEntry] { await state.requestLog() }

    /// Clears request counters and the log.
    public func resetCounters() async { await state.resetCounters() }

    /// Adds a fault from now on.
    public func addFault(_ fault: SimulatorFault) async { await state.addFault(fault) }

    /// Parses and adds a fault spec (see ``SimulatorFault``).
    public func addFault(_ spec: String) async throws { await state.addFault(try SimulatorFault.parse(spec)) }

    /// Removes every fault.
    public func clearFaults() async { await state.clearFaults() }

    /// Returns once at least one request is being held by a `hold` fault.
    public func waitUntilHeld() async { await state.waitUntilHeld() }

    /// How many requests are held right now.
    public func heldCount() async -> Int { await state.heldCount }

    /// Lets every held request carry on.
    public func releaseHeld() async { await state.releaseHeld() }

    /// Expires every HTTP session, so that crumbs bound to them fail (as after an idle timeout).
    public func expireSessions() async { await state.expireAllSessions() }

    /// Flips `adminCanGenerateNewTokens` at runtime, as the script console can.
    public func setAdminCanGenerate(_ value: Bool) async { await state.setAdminCanGenerate(value) }
}

/// A one-shot, thread-safe slot for the bound port (or the start failure).
private final class BoundPort: Sendable {
    private let slot = LockedValue<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>(
        (nil, nil))

    func resolve(_ result: Result<Int, any Error>) {
        let waiter: CheckedContinuation<Int, any Error>? = slot.withLock { slot in
            guard slot.result == nil else { return nil }
            slot.result = result
            defer { slot.waiter = nil }
            return slot.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = slot.withLock { slot in
                if let result = slot.result { return result }
                slot.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
