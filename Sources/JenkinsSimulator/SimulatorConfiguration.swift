import Foundation

/// Everything that shapes one simulated Jenkins controller: where it listens, who its users are,
/// which Jenkins version it imitates, and which switches (CSRF, admin token generation, faults) are on.
public struct SimulatorConfiguration: Sendable {
    /// Interface to bind, `127.0.0.1` by default.
    public var host: String
    /// Port to bind; `0` picks a free port (read it back from ``JenkinsSimulator/port``).
    public var port: Int
    /// The users known at start, with their seeded tokens.
    public var users: [SimulatedUser]
    /// The Jenkins version to imitate (`X-Jenkins`, response shapes, page markup). Default `2.555.1`.
    public var jenkinsVersion: String
    /// Mirrors `-Djenkins.security.ApiTokenProperty.adminCanGenerateNewTokens=true`.
    public var adminCanGenerate: Bool
    /// CSRF protection (a crumb issuer). When off, `/crumbIssuer/…` answers 404 and no POST is checked.
    public var csrfEnabled: Bool
    /// Mirrors `DefaultCrumbIssuer.EXCLUDE_SESSION_ID`: the crumb then depends on the principal only.
    public var crumbExcludesSessionID: Bool
    /// Idle time after which an HTTP session (and every crumb bound to it) expires. Default 30 minutes.
    public var sessionTimeout: Duration
    /// Delay added before every Jenkins request is processed.
    public var latency: Duration
    /// Faults active from the start; more can be added at runtime.
    public var faults: [SimulatorFault]
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    public var tls: SimulatorTLS?
    /// The crumb request field (`hudson.security.csrf.requestfield`). Default `Jenkins-Crumb`.
    public var crumbField: String
    /// Time zone used for "today" when deciding token expiry (Jenkins uses the JVM default zone).
    public var timeZone: TimeZone
    /// `jenkins-sim --stop-on-stdin-eof`: the process also stops when its standard input reaches end of file, so
    /// that a parent holding the other end of a pipe takes the simulator with it however it ends (a crash, SIGKILL).
    public var stopsAtEndOfStandardInput = false
    /// The servlet context path (`--prefix /jenkins`): every Jenkins URL lives under it, `/_sim/` stays at the
    /// root. Empty (the default) serves Jenkins at `/`.
    public var contextPath: String
    /// The credentials plugin's stores at start (`credentials:` of the users file).
    public var credentials: [SimulatedCredential]
    /// Whether the People View plugin is installed: from 2.452 it serves `/asynchPeople/` and `/people/`
    /// (core Jenkins did before). Default true.
    public var peopleViewPlugin: Bool
    /// Several controllers in one process (`controllers:` of the users file), each under `<contextPath>/<name>/`
    /// with its own users and credentials (``users`` and ``credentials`` are then unused); every other setting is
    /// shared. Empty (the default): one controller at ``contextPath``.
    public var controllers: [SimulatedController] = []

    /// Creates a configuration; every parameter has the default a plain Jenkins would have.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        users: [SimulatedUser] = [],
        jenkinsVersion: String = "2.555.1",
        adminCanGenerate: Bool = false,
        csrfEnabled: Bool = true,
        crumbExcludesSessionID: Bool = false,
        sessionTimeout: Duration = .seconds(30 * 60),
        latency: Duration = .zero,
        faults: [SimulatorFault] = [],
        tls: SimulatorTLS? = nil,
        crumbField: String = "Jenkins-Crumb",
        timeZone: TimeZone = .current,
        contextPath: String = "",
        credentials: [SimulatedCredential] = [],
        peopleViewPlugin: Bool = true
    ) {
        self.host = host
        self.port = port
        self.users = users
        self.jenkinsVersion = jenkinsVersion
        self.adminCanGenerate = adminCanGenerate
        self.csrfEnabled = csrfEnabled
        self.crumbExcludesSessionID = crumbExcludesSessionID
        self.sessionTimeout = sessionTimeout
        self.latency = latency
        self.faults = faults
        self.tls = tls
        self.crumbField = crumbField
        self.timeZone = timeZone
        self.contextPath = contextPath
        self.credentials = credentials
        self.peopleViewPlugin = peopleViewPlugin
    }

    /// Turns `jenkins`, `/jenkins/` or `/jenkins` into `/jenkins`; `/` and empty into empty (Jenkins at the root).
    public static func normalizedContextPath(_ text: String) throws -> String {
        let trimmed = text.split(separator: "/", omittingEmptySubsequences: true)
        guard !trimmed.isEmpty else { return "" }
        for segment in trimmed where segment == "_sim" || segment == "." || segment == ".." {
            throw SimulatorError.usage("--prefix cannot contain '\(segment)'")
        }
        return "/" + trimmed.joined(separator: "/")
    }
}

/// PEM files for serving HTTPS.
public struct SimulatorTLS: Sendable, Equatable {
    /// Path of the PEM certificate chain.
    public var certificatePath: String
    /// Path of the PEM private key.
    public var privateKeyPath: String

    /// Creates a TLS setting from two PEM file paths.
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}
