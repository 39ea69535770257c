import Foundation
import JenkinsSimulator
import Testing

@Suite("rotate's end-of-run notifications")
struct NotificationTests {
    /// The webhook points at the simulator, which refuses an anonymous POST (403): a webhook that fails at once.
    static func notifyPolicy(_ world: TestWorld, on: String, hook: URL) -> String {
        """
        notify:
          on: [\(on)]
          webhook: { url: "\(hook.absoluteString)hook", token_env: HOOK_TOKEN }
          command: ["/bin/sh", "-c", "cat > \(world.path("notify.json"))"]
        """
    }

    @Test("a failed run sends the JSON to the command; a failing webhook is logged and the exit code stays 1")
    func failure() async throws {
        let world = try TestWorld()
        let scenario = try await RotationScenario.make(faults: ["whoami:status=401,count=1"])
        defer { Task { await scenario.stop() } }
        try scenario.world.writePolicy(
            (try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8))
                + "\n" + Self.notifyPolicy(world, on: "failure, uncertain", hook: scenario.simulator.baseURL))
        scenario.world.variables["HOOK_TOKEN"] = "hook-secret-123"
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 1, "\(result.stderr)")
        let text = try #require(world.read("notify.json"), "no notification: \(result.stderr)")
        let payload = try #require(try decodeJSON(text) as? [String: Any])
        #expect(payload["failed"] as? Int == 1)
        #expect(payload["exit_code"] as? Int == 1)
        let failures = try #require(payload["failures"] as? [[String: Any]])
        #expect(failures.first?["user"] as? String == "alice")
        #expect((payload["text"] as? String)?.contains("1 failed") == true)
        #expect(result.stderr.contains("the notification webhook failed"))
        #expect(result.stderr.contains("the webhook answered HTTP 403"))
        #expect(!result.stderr.contains("hook-secret-123"))
        try scenario.expectNoSecretLeaks([result], extra: ["hook-secret-123"])
        for secret in scenario.secrets { #expect(!text.contains(secret)) }
    }

    @Test("a webhook gets the JSON with the bearer token from the environment")
    func webhook() async throws {
        let receiver = try await WebhookReceiver.start()
        let scenario = try await RotationScenario.make()
        defer {
            Task {
                await scenario.stop()
                await receiver.stop()
            }
        }
        try scenario.world.writePolicy(
            (try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8))
                + "\nnotify:\n  on: [success]\n  webhook: { url: \"\(receiver.url)\", token_env: HOOK_TOKEN }\n")
        scenario.world.variables["HOOK_TOKEN"] = "hook-secret-123"
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 0, "\(result.stderr)")
        let requests = receiver.requests
        #expect(requests.count == 1)
        #expect(requests.first?.authorization == "Bearer hook-secret-123")
        #expect(requests.first?.contentType == "application/json")
        let payload = try #require(try decodeJSON(requests.first?.body ?? "") as? [String: Any])
        #expect(payload["rotated"] as? Int == 1)
        #expect(payload["exit_code"] as? Int == 0)
        for secret in scenario.secrets { #expect(requests.first?.body.contains(secret) == false) }
        #expect(!result.stderr.contains("hook-secret-123"))
    }

    @Test("nothing is sent when no event of on: applies")
    func quiet() async throws {
        let world = try TestWorld()
        let scenario = try await RotationScenario.make()
        defer { Task { await scenario.stop() } }
        try scenario.world.writePolicy(
            (try String(contentsOfFile: scenario.world.policyPath, encoding: .utf8))
                + "\n" + Self.notifyPolicy(world, on: "failure", hook: scenario.simulator.baseURL))
        let result = await scenario.world.run(["rotate"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(world.read("notify.json") == nil)
    }
}
