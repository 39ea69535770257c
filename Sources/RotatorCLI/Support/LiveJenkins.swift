import AsyncHTTPClient
import Foundation
import JenkinsAPI
import Logging
import RotatorCore
import TokenSinks

/// Connects a command to real controllers: one `HTTPClient` and one ``RequestSlots`` cap for the whole run, one
/// `JenkinsClient` per controller, credentials resolved from the environment or files (only here, only by
/// commands that talk to Jenkins).
enum LiveJenkins {
    /// One controller of the policy, ready to talk to.
    struct Controller {
        var config: ControllerConfig
        var client: JenkinsClient
        /// The resolved `auth` identity (nil without an auth block), or why it could not be read.
        var credential: Result<JenkinsCredential?, LiveJenkinsError>
    }

    /// Builds clients for `ids` (all of the policy's controllers when empty), runs `body`, and shuts the
    /// HTTP client down whatever happens. While `body` runs, ``CredentialStores/current`` holds a client for every
    /// controller a `jenkins_credential` sink names (whether or not it is among `ids`), so that the sinks built
    /// during `body` reach their stores.
    static func withControllers<Value: Sendable>(
        policy: RotationPolicy, ids: Set<String>, env: CommandEnvironment,
        _ body: ([Controller]) async throws -> Value
    ) async throws -> Value {
        for id in ids where policy.controller(id) == nil {
            throw LiveJenkinsError.unknownController(id, known: policy.controllers.map(\.id))
        }
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: JenkinsClient.recommendedHTTPClientConfiguration())
        let slots = RequestSlots(limit: policy.limits.maxRequestsInFlight)
        do {
            var controllers: [Controller] = []
            for config in policy.controllers where ids.isEmpty || ids.contains(config.id) {
                if config.insecure {
                    env.logger.warning(
                        "TLS certificate verification is OFF for this controller (insecure: true)",
                        metadata: ["controller": "\(config.id)", "url": "\(config.url.absoluteString)"])
                }
                if config.usesPlainHTTPOverNetwork {
                    env.logger.warning(
                        "\(plainHTTPWarning)",
                        metadata: ["controller": "\(config.id)", "url": "\(config.url.absoluteString)"])
                }
                let client = JenkinsClient(
                    configuration: JenkinsClientConfiguration(config), httpClient: httpClient, logger: env.logger,
                    sharedSlots: slots)
                controllers.append(Controller(config: config, client: client, credential: credential(config, env: env)))
            }
            let stores = try credentialStores(
                policy: policy, built: controllers, httpClient: httpClient, slots: slots, env: env)
            let result = try await CredentialStores.$current.withValue(stores) { try await body(controllers) }
            try await httpClient.shutdown()
            return result
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    static let plainHTTPWarning =
        "plain http to a host that is not loopback (allow_plain_http: true): credentials and new tokens cross "
        + "the network unencrypted"

    /// Rotation sessions: every needed secret must resolve before anything is sent (a configuration error
    /// otherwise, exit 2).
    static func withConnections<Value: Sendable>(
        policy: RotationPolicy, ids: Set<String>, env: CommandEnvironment,
        _ body: ([String: ControllerConnection]) async throws -> Value
    ) async throws -> Value {
        try await withControllers(policy: policy, ids: ids, env: env) { controllers in
            var connections: [String: ControllerConnection] = [:]
            for controller in controllers {
                connections[controller.config.id] = ControllerConnection(
                    config: controller.config, api: controller.client, adminCredential: try controller.credential.get(),
                    maxConsecutiveFailures: policy.limits.maxConsecutiveFailures)
            }
            return try await body(connections)
        }
    }

    /// The controllers `jenkins_credential` sinks write to, reusing a client already built for the command.
    private static func credentialStores(
        policy: RotationPolicy, built: [Controller], httpClient: HTTPClient, slots: RequestSlots,
        env: CommandEnvironment
    ) throws -> [String: CredentialStoreEndpoint] {
        let deliveries = [policy.defaults.deliver] + policy.rules.compactMap(\.overrides.deliver)
        var named: Set<String> = []
        for case .jenkinsCredential(let sink) in deliveries.joined() { named.insert(sink.controller) }
        var stores: [String: CredentialStoreEndpoint] = [:]
        for id in named.sorted() {
            guard let config = policy.controller(id) else { continue }
            let client =
                built.first { $0.config.id == id }?.client
                ?? JenkinsClient(
                    configuration: JenkinsClientConfiguration(config), httpClient: httpClient, logger: env.logger,
                    sharedSlots: slots)
            switch credential(config, env: env) {
            case .success(let resolved):
                stores[id] = CredentialStoreEndpoint(api: client, credential: resolved)
            case .failure(let error):
                env.logger.error(
                    "jenkins_credential sinks on this controller will fail", metadata: ["error": "\(error)"])
            }
        }
        return stores
    }

    private static func credential(
        _ config: ControllerConfig, env: CommandEnvironment
    ) -> Result<JenkinsCredential?, LiveJenkinsError> {
        guard let auth = config.auth else { return .success(nil) }
        if let warning = SecretResolver.permissionWarning(for: auth.source) {
            env.logger.warning("\(warning)", metadata: ["controller": "\(config.id)"])
        }
        do {
            let secret = try SecretResolver.resolve(auth.source, environment: env.variables)
            return .success(JenkinsCredential(user: auth.user, secret: secret, kind: auth.kind))
        } catch {
            return .failure(.credential(controller: config.id, underlying: "\(error)"))
        }
    }
}

enum LiveJenkinsError: Error, CustomStringConvertible {
    case credential(controller: String, underlying: String)
    case unknownController(String, known: [String])

    var description: String {
        switch self {
        case .credential(let controller, let underlying):
            "controller \(controller): cannot read its auth secret: \(underlying)"
        case .unknownController(let id, let known):
            "--controller \(id) is not in the policy (controllers: \(known.joined(separator: ", ")))"
        }
    }
}
