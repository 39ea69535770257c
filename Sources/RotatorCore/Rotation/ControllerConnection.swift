import Foundation

/// One controller during one run: its client, the identity the tool acts as there, the Jenkins
/// version (asked once), and the circuit breaker that stops the controller after repeated or
/// fatal failures (SPEC §3 `limits.max_consecutive_failures`, §4.6).
public actor ControllerConnection {
    public nonisolated let config: ControllerConfig
    public nonisolated let api: any JenkinsTokenAPI
    /// The policy's `auth` identity; nil in self mode without an `auth` block.
    public nonisolated let adminCredential: JenkinsCredential?
    private let maxConsecutiveFailures: Int?
    private var consecutiveFailures = 0
    private var stopReason: String?
    private var cachedVersion: JenkinsVersion??

    public init(
        config: ControllerConfig, api: any JenkinsTokenAPI, adminCredential: JenkinsCredential?,
        maxConsecutiveFailures: Int?
    ) {
        self.config = config
        self.api = api
        self.adminCredential = adminCredential
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }

    /// Why this controller is stopped for the rest of the run, or nil while it is open.
    public var stopped: String? { stopReason }

    public func countSuccess() {
        consecutiveFailures = 0
    }

    /// Counts a failed token operation; a failure that says so, or one too many in a row, stops the controller.
    public func countFailure(_ error: (any Error)?) {
        consecutiveFailures += 1
        guard stopReason == nil else { return }
        // In self mode each token is its own identity: one dead token (401) says nothing about the others.
        let ownTokenRejected = config.mode == .self && (error as? any JenkinsFailure)?.isUnauthorized == true
        if let failure = error as? any JenkinsFailure, failure.stopsController, !ownTokenRejected {
            stopReason = "controller \(config.id) stopped for this run: \(failure)"
        } else if let limit = maxConsecutiveFailures, consecutiveFailures >= limit {
            stopReason =
                "controller \(config.id) stopped for this run after \(consecutiveFailures) consecutive failures "
                + "(limits.max_consecutive_failures)"
        }
    }

    /// The controller's version, asked once per run; nil when Jenkins does not say.
    public func version(as credential: JenkinsCredential?) async throws -> JenkinsVersion? {
        if let cachedVersion { return cachedVersion }
        let version = try await api.version(as: credential)
        cachedVersion = .some(version)
        return version
    }
}
