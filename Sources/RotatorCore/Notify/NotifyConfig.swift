import Foundation

/// When a run's end is worth telling someone (SPEC §8.8).
public enum NotifyEvent: String, Sendable, Equatable, CaseIterable {
    /// The run exits 1: at least one token operation failed.
    case failure
    /// At least one rotation is left uncertain (a lost generate answer).
    case uncertain
    /// A managed token is past its maximum age after the run.
    case overdue
    /// The run exits 0.
    case success
}

/// `notify:` of the policy (SPEC §8.8).
public struct NotifyConfig: Sendable, Equatable {
    /// A POST of the JSON payload, with an optional bearer token read from the environment.
    public struct Webhook: Sendable, Equatable {
        public var url: URL
        /// The variable holding the bearer token; never the token.
        public var tokenEnvironmentVariable: String?

        public init(url: URL, tokenEnvironmentVariable: String? = nil) {
            self.url = url
            self.tokenEnvironmentVariable = tokenEnvironmentVariable
        }

        /// `https://hooks.example.com/…`: the scheme and host only, since a webhook's path is often its secret.
        public var redactedURL: String {
            "\(url.scheme ?? "https")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")/…"
        }
    }

    public var on: Set<NotifyEvent>
    public var webhook: Webhook?
    /// argv, run without a shell, the JSON payload on stdin.
    public var command: [String]?

    public init(on: Set<NotifyEvent>, webhook: Webhook? = nil, command: [String]? = nil) {
        self.on = on
        self.webhook = webhook
        self.command = command
    }
}
