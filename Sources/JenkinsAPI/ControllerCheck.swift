import RotatorCore

/// What `token-rotator check` learns about one controller. Nothing is changed on the controller.
public struct ControllerCheck: Sendable, Equatable {
    /// What the crumb issuer said.
    public enum CrumbStatus: Sendable, Equatable {
        /// A crumb came back; POSTs with a password send it in the header `field`.
        case fetched(field: String)
        /// `/crumbIssuer` answered 404: CSRF protection is off.
        case csrfDisabled
        /// Not asked (no credential, or an earlier step failed).
        case notChecked
    }

    public var controller: String
    public var url: String
    /// Jenkins answered at all (any HTTP status).
    public var reachable: Bool
    /// The `name` from `/whoAmI/api/json` with the credential, nil if not authenticated.
    public var authenticatedAs: String?
    public var crumb: CrumbStatus
    /// From `X-Jenkins`, nil when the controller does not say.
    public var version: JenkinsVersion?
    /// `expirationDuration` is honoured (Jenkins 2.548 and later).
    public var supportsNativeExpiry: Bool
    /// The first failure, nil when every step passed.
    public var failure: JenkinsClientError?

    public init(
        controller: String, url: String, reachable: Bool = false, authenticatedAs: String? = nil,
        crumb: CrumbStatus = .notChecked, version: JenkinsVersion? = nil, failure: JenkinsClientError? = nil
    ) {
        self.controller = controller
        self.url = url
        self.reachable = reachable
        self.authenticatedAs = authenticatedAs
        self.crumb = crumb
        self.version = version
        self.supportsNativeExpiry = version?.supportsTokenExpiry ?? false
        self.failure = failure
    }

    /// Reached, authenticated (when a credential was given) and the crumb step passed.
    public var isHealthy: Bool { failure == nil && reachable }
}
