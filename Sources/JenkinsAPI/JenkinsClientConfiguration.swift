import Foundation
import RotatorCore

/// Everything one ``JenkinsClient`` needs to know about its controller.
public struct JenkinsClientConfiguration: Sendable {
    /// The controller id from the policy; it names the controller in logs and errors.
    public var controller: String
    /// The controller's root URL, e.g. `https://jenkins.example.com/` or `https://host/jenkins/`.
    public var baseURL: URL
    /// The deadline of each HTTP request (a retried call gets a fresh deadline per attempt).
    public var timeout: Duration
    /// Hard cap on requests in flight to this controller.
    public var concurrency: Int
    public var retry: RetryPolicy
    /// A PEM file whose certificates are trusted in addition to the system roots.
    public var caFile: String?
    /// Turns off certificate verification. Only ever true when the policy says `insecure: true`.
    public var insecure: Bool
    /// Sent as `User-Agent` on every request.
    public var userAgent = TokenRotatorVersion.userAgent

    public init(
        controller: String, baseURL: URL, timeout: Duration = .seconds(30), concurrency: Int = 4,
        retry: RetryPolicy = RetryPolicy(), caFile: String? = nil, insecure: Bool = false
    ) {
        self.controller = controller
        self.baseURL = baseURL
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.retry = retry
        self.caFile = caFile
        self.insecure = insecure
    }

    /// The configuration a policy's controller entry describes.
    public init(_ controller: ControllerConfig, retry: RetryPolicy = RetryPolicy()) {
        self.init(
            controller: controller.id, baseURL: controller.url,
            timeout: .seconds(max(controller.timeout.seconds, 1)), concurrency: controller.concurrency,
            retry: retry, caFile: controller.caFile, insecure: controller.insecure)
    }
}
