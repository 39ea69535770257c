import Testing

@testable import JenkinsAPI

@Suite("Retry policy and encoding")
struct RetryPolicyTests {
    @Test("doubles the delay per retry up to the ceiling")
    func exponential() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500), jitter: 0)
        #expect(policy.delay(beforeRetry: 1) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 2) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 3) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 4) == .milliseconds(500))
    }

    @Test("jitter stays within its band")
    func jitter() {
        let policy = RetryPolicy(baseDelay: .milliseconds(1000), maxDelay: .seconds(10), jitter: 0.2)
        func close(_ a: Duration, _ b: Duration) -> Bool { abs((a - b).components.attoseconds) < 1_000_000_000 }
        #expect(close(policy.delay(beforeRetry: 1, random: 0), .milliseconds(800)))
        #expect(close(policy.delay(beforeRetry: 1, random: 1), .milliseconds(1200)))
        #expect(close(policy.delay(beforeRetry: 1, random: 0.5), .milliseconds(1000)))
    }

    @Test(
        "escapes user ids so they stay one path segment",
        arguments: [
            ("alice", "alice"), ("a b", "a%20b"), ("x/../admin", "x%2F..%2Fadmin"), ("..", "%2E%2E"),
            ("mail@example.com", "mail%40example.com"), ("é", "%C3%A9"),
        ])
    func pathSegments(raw: String, encoded: String) {
        #expect(URLEncoding.pathSegment(raw) == encoded)
    }

    @Test("form-encodes fields")
    func form() {
        #expect(
            URLEncoding.form([("newTokenName", "ci & cd=1"), ("expirationDuration", "30")])
                == "newTokenName=ci%20%26%20cd%3D1&expirationDuration=30")
    }

    @Test("accepts only 11 followed by 32 lowercase hex as a token value")
    func tokenShape() {
        #expect(JenkinsClient.isWellFormedTokenValue("11" + String(repeating: "a1", count: 16)))
        #expect(!JenkinsClient.isWellFormedTokenValue("11" + String(repeating: "A1", count: 16)))
        #expect(!JenkinsClient.isWellFormedTokenValue("10" + String(repeating: "a1", count: 16)))
        #expect(!JenkinsClient.isWellFormedTokenValue("11abc"))
    }
}
