import JenkinsSimulator
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("Retries, timeouts and lost responses")
struct RetryAndFaultTests {
    @Test("an idempotent call is retried through 5xx with exponential backoff, then succeeds")
    func revokeRetriedThrough5xx() async throws {
        try await Harness.run { jenkins in
            try await jenkins.simulator.addFault("revoke:status=503,count=2")
            try await jenkins.client.revokeToken(user: "alice", uuid: Seed.aliceTokenUUID, as: Seed.alice)
            #expect(await jenkins.simulator.requestCount(.revoke) == 3)
            #expect(jenkins.sleeps.sleeps == [.milliseconds(100), .milliseconds(200)])
            #expect(await !jenkins.simulator.tokens(of: "alice").contains { $0.uuid == Seed.aliceTokenUUID })
        }
    }

    @Test("retries stop after maxAttempts and the 5xx is reported as retryable")
    func retriesExhausted() async throws {
        try await Harness.run { jenkins in
            try await jenkins.simulator.addFault("whoami:status=500,count=10")
            let error = await expectJenkinsError { _ = try await jenkins.client.whoAmI(Seed.alice) }
            guard case .serverError(_, let status, let lost) = error else {
                Issue.record("expected serverError, got \(String(describing: error))")
                return
            }
            #expect(status == 500)
            #expect(!lost)
            #expect(error?.isRetryable == true)
            #expect(await jenkins.simulator.requestCount(.whoami) == 3)
        }
    }

    @Test("crumb and token-list fetches are retried too")
    func crumbAndListRetried() async throws {
        try await Harness.run { jenkins in
            try await jenkins.simulator.addFault("crumb:status=502,count=1")
            try await jenkins.simulator.addFault("security:status=500,count=1")
            try await jenkins.client.revokeToken(
                user: "alice", uuid: "no-such-uuid", as: Seed.alicePasswordCredential)
            _ = try await jenkins.client.listTokens(user: "alice", as: Seed.alice)
            #expect(await jenkins.simulator.requestCount(.crumb) == 2)
            #expect(await jenkins.simulator.requestCount(.security) == 2)
        }
    }

    @Test("a generate answered 500 after committing is never resent and may have left a token")
    func generateCommitThen500() async throws {
        try await Harness.run { jenkins in
            try await jenkins.simulator.addFault("generate:commit-500,count=1")
            let error = await expectJenkinsError {
                _ = try await jenkins.client.generateToken(
                    forUser: "alice", name: "orphan", expirationDays: nil, as: Seed.alice)
            }
            guard case .serverError(_, 500, true) = error else {
                Issue.record("expected a lost-response serverError, got \(String(describing: error))")
                return
            }
            #expect(error?.responseMayBeLost == true)
            #expect(error?.isRetryable == false)
            #expect(await jenkins.simulator.requestCount(.generate) == 1)
            #expect(jenkins.sleeps.sleeps.isEmpty)
            #expect(await jenkins.simulator.tokens(of: "alice").contains { $0.name == "orphan" })
            #expect(error?.description.contains("do not resend") == true)
        }
    }

    @Test("a generate whose connection drops after the commit: responseMayBeLost, not retried")
    func generateDropped() async throws {
        try await Harness.run { jenkins in
            try await jenkins.simulator.addFault("generate:drop,count=1")
            let error = await expectJenkinsError {
                _ = try await jenkins.client.generateToken(
                    forUser: "alice", name: "dropped", expirationDays: nil, as: Seed.alice)
            }
            #expect(error?.responseMayBeLost == true)
            #expect(error?.isRetryable == false)
            // Never re-sent. (On a loaded machine the 300 ms can pass before the request even reaches the simulator,
            // so "exactly once" would be flaky; the client cannot know either, hence "may be lost".)
            #expect(await jenkins.simulator.requestCount(.generate) <= 1)
        }
    }

    @Test("a dropped revoke is retried and succeeds")
    func revokeDroppedThenRetried() async throws {
        try await Harness.run { jenkins in
            try await jenkins.simulator.addFault("revoke:drop,count=1")
            let deploy = "5a5a5a5a-1111-4222-8333-944444444444"
            try await jenkins.client.revokeToken(user: "alice", uuid: deploy, as: Seed.alice)
            #expect(await jenkins.simulator.requestCount(.revoke) == 2)
            #expect(await !jenkins.simulator.tokens(of: "alice").contains { $0.uuid == deploy })
        }
    }

    @Test("timeouts: an idempotent call is retryable, a generate's may be lost")
    func timeouts() async throws {
        try await Harness.run(retry: .none, timeout: .milliseconds(300)) { jenkins in
            try await jenkins.simulator.addFault("whoami:slow=2s,count=1")
            let whoAmI = await expectJenkinsError { _ = try await jenkins.client.whoAmI(Seed.alice) }
            guard case .timeout(_, _, false) = whoAmI else {
                Issue.record("expected timeout, got \(String(describing: whoAmI))")
                return
            }
            #expect(whoAmI?.isRetryable == true)
            #expect(whoAmI?.description.contains("0.3 s") == true)

            try await jenkins.simulator.addFault("generate:slow=2s,count=1")
            let generate = await expectJenkinsError {
                _ = try await jenkins.client.generateToken(
                    forUser: "alice", name: "slow", expirationDays: nil, as: Seed.alice)
            }
            guard case .timeout(_, _, true) = generate else {
                Issue.record("expected a lost-response timeout, got \(String(describing: generate))")
                return
            }
            #expect(generate?.isRetryable == false)
            // Never re-sent. (On a loaded machine the 300 ms can pass before the request even reaches the simulator,
            // so "exactly once" would be flaky; the client cannot know either, hence "may be lost".)
            #expect(await jenkins.simulator.requestCount(.generate) <= 1)
        }
    }
}
