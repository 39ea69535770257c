import Foundation
import RotatorCore
import Testing

@Suite("Notifications: the payload, its events and the notify policy key")
struct RunNotificationTests {
    static let asOf = Date(timeIntervalSince1970: 1_790_000_000)

    static func summary(_ outcomes: [RotationOutcome]) -> RunSummary {
        RunSummary(
            runID: 42, asOf: asOf,
            results: outcomes.enumerated().map { index, outcome in
                RotationResult(
                    controller: "ci", user: "u\(index)", name: "ci", oldUUID: "old-\(index)", outcome: outcome,
                    error: outcome == .rotated ? nil : "delivery to command /bin/push failed:\nexit 1")
            })
    }

    @Test("the payload has SPEC's keys, counters, failures and one line of text")
    func payload() throws {
        let notification = RunNotification(summary: Self.summary([.rotated, .failed, .uncertain]), exitCode: 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(try notification.json())) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "run_id", "exit_code", "as_of", "rotated", "failed", "uncertain", "retired", "skipped", "text",
                "failures",
            ])
        #expect(object["run_id"] as? Int == 42)
        #expect(object["as_of"] as? String == Timestamp.format(Self.asOf))
        #expect(object["failed"] as? Int == 1)
        let failures = try #require(object["failures"] as? [[String: Any]])
        #expect(failures.map { $0["outcome"] as? String } == ["failed", "uncertain"])
        let text = try #require(object["text"] as? String)
        #expect(!text.contains("\n"))
        #expect(text.contains("1 rotated, 1 failed, 1 uncertain (exit 1)"))
        #expect(text.contains("ci/u1/ci failed"))
        #expect(text.contains("reconcile"))
    }

    struct EventCase: Sendable {
        var outcomes: [RotationOutcome]
        var exit: Int
        var overdue: Int
        var expected: Set<NotifyEvent>
    }

    @Test(
        "matches only the events of on: that apply",
        arguments: [
            EventCase(outcomes: [.rotated], exit: 0, overdue: 0, expected: [.success]),
            EventCase(outcomes: [.rotated, .failed], exit: 1, overdue: 0, expected: [.failure]),
            EventCase(outcomes: [.uncertain], exit: 1, overdue: 0, expected: [.failure, .uncertain]),
            EventCase(outcomes: [.rotated], exit: 0, overdue: 2, expected: [.success, .overdue]),
        ])
    func events(_ example: EventCase) {
        let notification = RunNotification(
            summary: Self.summary(example.outcomes), exitCode: example.exit, overdue: example.overdue)
        #expect(notification.matches(Set(NotifyEvent.allCases)) == example.expected)
        #expect(notification.matches([.failure]) == example.expected.intersection([.failure]))
    }

    static let header = """
        version: 1
        controllers:
          ci: { url: "https://ci.example.com/", auth: { user: a, token_env: T } }

        """

    @Test("notify: reads events, a webhook with token_env, and a command")
    func policy() throws {
        let policy = try PolicyLoader.parse(
            Self.header + """
                notify:
                  on: [failure, uncertain]
                  webhook: { url: "https://hooks.example.com/T/abc", token_env: HOOK_TOKEN }
                  command: ["/usr/local/bin/page-oncall", "--team", "ci"]
                """, source: "test")
        let notify = try #require(policy.notify)
        #expect(notify.on == [.failure, .uncertain])
        #expect(notify.webhook?.tokenEnvironmentVariable == "HOOK_TOKEN")
        #expect(notify.webhook?.redactedURL == "https://hooks.example.com/…")
        #expect(notify.command == ["/usr/local/bin/page-oncall", "--team", "ci"])
        #expect(policy.namedSecretVariables.contains("HOOK_TOKEN"))
    }

    @Test(
        "bad notify blocks name the key and never echo the webhook URL",
        arguments: [
            ("notify:\n  on: [failure]\n", "notify needs a webhook, a command, or both"),
            ("notify:\n  on: [sometimes]\n  command: [x]\n", "is not one of failure, uncertain, overdue, success"),
            ("notify:\n  on: [failure]\n  webhook: { url: \"http://hooks.example.com/secret-path\" }\n", "clear text"),
            (
                "notify:\n  on: [failure]\n  webhook: { url: \"https://h.example.com/x\", token: abc }\n",
                "secrets may not be written in the policy"
            ),
        ])
    func errors(extra: String, message: String) {
        do {
            _ = try PolicyLoader.parse(Self.header + extra, source: "test")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
            #expect(!"\(error)".contains("secret-path"))
        }
    }
}
