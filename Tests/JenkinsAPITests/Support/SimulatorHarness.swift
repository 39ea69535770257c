import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import Logging
import RotatorCore
import RotatorTestSupport
import Testing

@testable import JenkinsAPI

/// Fixed identities seeded into every simulator the tests start.
enum Seed {
    static let aliceToken = "11" + "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    static let aliceTokenUUID = "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"
    static let adminToken = "11" + "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    static let adminTokenUUID = "9f0e1d2c-3b4a-4596-8877-665544332211"
    static let alicePassword = "alice-Pa55word!"
    static let adminPassword = "admin-Pa55word!"
    static let bobPassword = "bob-Pa55word!"

    static let alice = JenkinsCredential(user: "alice", secret: Secret(aliceToken), kind: .apiToken)
    static let alicePasswordCredential = JenkinsCredential(
        user: "alice", secret: Secret(alicePassword), kind: .password)
    static let admin = JenkinsCredential(user: "rotation-admin", secret: Secret(adminToken), kind: .apiToken)
    static let adminPasswordCredential = JenkinsCredential(
        user: "rotation-admin", secret: Secret(adminPassword), kind: .password)
    static let bob = JenkinsCredential(user: "bob", secret: Secret(bobPassword), kind: .password)

    /// Every secret the tests use: none may ever show up in a log line or an error message.
    static let secrets = [aliceToken, adminToken, alicePassword, adminPassword, bobPassword]

    static let created = Date(timeIntervalSince1970: 1_767_571_200)  // 2026-01-05

    static var users: [SimulatedUser] {
        [
            SimulatedUser(
                id: "alice", password: alicePassword,
                tokens: [
                    SimulatedToken(name: "ci", uuid: aliceTokenUUID, value: aliceToken, created: created),
                    SimulatedToken(
                        name: "deploy & co", uuid: "5a5a5a5a-1111-4222-8333-944444444444",
                        value: "11" + String(repeating: "5a", count: 16), created: created),
                ]),
            SimulatedUser(
                id: "rotation-admin", password: adminPassword, admin: true,
                tokens: [SimulatedToken(name: "rotator", uuid: adminTokenUUID, value: adminToken, created: created)]),
            SimulatedUser(id: "bob", password: bobPassword, read: false),
        ]
    }
}

/// Records the retry sleeps instead of sleeping.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []

    var sleeps: [Duration] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func record(_ duration: Duration) {
        lock.lock()
        recorded.append(duration)
        lock.unlock()
    }
}

/// A live simulator on 127.0.0.1 (port 0), a real HTTP client and a ``JenkinsClient`` pointed at it.
struct Harness {
    let simulator: JenkinsSimulator
    let httpClient: HTTPClient
    let logs: LogRecorder
    let sleeps: SleepRecorder
    /// The client built with the options given to ``run(_:concurrency:retry:timeout:_:)``.
    var client: JenkinsClient!

    static let fastRetry = RetryPolicy(
        maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.2)

    /// Another client of the same simulator (sharing HTTP client, log capture and sleep recorder).
    func makeClient(
        concurrency: Int = 4, retry: RetryPolicy = Harness.fastRetry, timeout: Duration = .seconds(5),
        baseURL: URL? = nil, caFile: String? = nil, insecure: Bool = false, dropsSessionCookies: Bool = false,
        sharedSlots: RequestSlots? = nil
    ) -> JenkinsClient {
        let sleeps = self.sleeps
        return JenkinsClient(
            configuration: JenkinsClientConfiguration(
                controller: "sim", baseURL: baseURL ?? simulator.baseURL, timeout: timeout,
                concurrency: concurrency, retry: retry, caFile: caFile, insecure: insecure),
            httpClient: httpClient, logger: logs.logger(), sleep: { sleeps.record($0) }, now: { Date() },
            random: { 0.5 }, dropsSessionCookies: dropsSessionCookies, sharedSlots: sharedSlots)
    }

    static func configuration(
        version: String = "2.555.1", csrf: Bool = true, users: [SimulatedUser] = Seed.users
    ) -> SimulatorConfiguration {
        SimulatorConfiguration(users: users, jenkinsVersion: version, csrfEnabled: csrf)
    }

    /// Runs `body` against a fresh simulator, then checks that no secret reached the logs.
    /// Everything is shut down afterwards, even on failure.
    static func run(
        _ configuration: SimulatorConfiguration = Harness.configuration(),
        concurrency: Int = 4, retry: RetryPolicy = Harness.fastRetry, timeout: Duration = .seconds(5),
        _ body: (Harness) async throws -> Void
    ) async throws {
        let simulator = try await JenkinsSimulator.start(configuration)
        let httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: JenkinsClient.recommendedHTTPClientConfiguration())
        var harness = Harness(
            simulator: simulator, httpClient: httpClient, logs: LogRecorder(), sleeps: SleepRecorder(),
            client: nil)
        do {
            harness.client = harness.makeClient(concurrency: concurrency, retry: retry, timeout: timeout)
            try await body(harness)
            harness.expectNoSecretLeaked()
        } catch {
            try? await httpClient.shutdown()
            await simulator.stop()
            throw error
        }
        try await httpClient.shutdown()
        await simulator.stop()
    }

    /// No log line holds a secret, nor the Basic header made from one.
    func expectNoSecretLeaked(extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let forbidden = (Seed.secrets + extra).flatMap { secret in
            [secret, Data(secret.utf8).base64EncodedString()]
        }
        for line in logs.all {
            for secret in forbidden where line.contains(secret) {
                Issue.record("a log line contains a secret: \(line.prefix(80))…", sourceLocation: sourceLocation)
            }
        }
    }
}

/// Runs `body` and returns the ``JenkinsClientError`` it throws (recording an issue if it throws none).
func expectJenkinsError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> JenkinsClientError? {
    do {
        try await body()
        Issue.record("expected a JenkinsClientError, but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as JenkinsClientError {
        for secret in Seed.secrets where error.description.contains(secret) {
            Issue.record("an error message contains a secret", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a JenkinsClientError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
