import Foundation

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
