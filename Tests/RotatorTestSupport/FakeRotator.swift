import Foundation
import Logging
import RotatorCore

/// One controller (`ci`), one user (`alice`) and her token `ci`, under a policy whose sinks a test chooses, all
/// in a ``FakeWorld``. `rotate()` runs the real engine against it.
public struct FakeRotator: Sendable {
    /// A sink of the policy, by kind.
    public enum SinkKind: String, Sendable, CaseIterable, CustomStringConvertible {
        case file, command, credential
        public var description: String { rawValue }

        var yaml: String {
            switch self {
            case .file: #"- file: { path: "/sinks/{user}-{name}.token" }"#
            case .command: #"- command: ["/usr/local/bin/push-{user}"]"#
            case .credential: #"- command: ["jenkins-credential:{user}-token"]"#
            }
        }

        /// The key of its consumer in the ``FakeSinkStore``.
        public var key: String {
            switch self {
            case .file: "/sinks/alice-ci.token"
            case .command: "/usr/local/bin/push-alice"
            case .credential: "jenkins-credential:alice-token"
            }
        }
    }

    public let world: FakeWorld
    public let policy: RotationPolicy
    public let mode: RotationMode
    public let sinks: [SinkKind]
    public let now: Date
    public let admin = JenkinsCredential(user: "rotation-admin", secret: Secret("admin-pass"), kind: .password)

    /// Seeds alice's token `ci`, 100 days old (due under max_age 90d), held by every sink's consumer.
    /// `defaults` adds lines to the policy's `defaults:` block (e.g. `revoke_unused_after: 60d`); `usage` records
    /// what `reconcile` would have read (use count, last use).
    public init(
        mode: RotationMode = .admin, sinks: [SinkKind], grace: String = "0s", verify: Bool = true,
        defaults: [String] = [], usage: (count: Int, lastUsed: Date?)? = nil
    ) throws {
        world = FakeWorld(users: ["alice", "rotation-admin"])
        self.mode = mode
        self.sinks = sinks
        let auth = mode == .admin ? "\n    auth: { user: rotation-admin, password_env: ADMIN_PASS }" : ""
        let yaml = """
            version: 1
            controllers:
              ci:
                url: http://127.0.0.1:8080/
                mode: \(mode.rawValue)\(auth)
            defaults:
              max_age: 90d
              rotate_before: 10d
              grace: \(grace)
              jenkins_expiry: off
              verify: \(verify)
            \(defaults.map { "  " + $0 + "\n" }.joined())  deliver:
            \(sinks.map { "    " + $0.yaml }.joined(separator: "\n"))
            limits:
              max_consecutive_failures: 100
            """
        policy = try PolicyLoader.parse(yaml, source: "fake-policy.yml")
        now = Date(timeIntervalSince1970: 1_790_000_000)
        let token = world.jenkins.seed(user: "alice", name: "ci")
        var seeded = InventoryToken(
            controller: "ci", user: "alice", name: "ci", uuid: token.uuid, created: now - 100 * 86_400,
            fingerprint: token.fingerprint)
        seeded.useCount = usage?.count
        seeded.lastUsed = usage?.lastUsed
        world.inventory.add(seeded)
        for sink in sinks { world.sinks.set(sink.key, token.value) }
    }

    /// One `rotate` run (the real engine) against the fake world; `max: 0` only resumes and retires.
    public func rotate(force: Bool = false, max: Int? = nil) async throws -> RunSummary {
        let context = RotationContext(
            policy: policy, inventory: world.inventory, journal: world.inventory, sinks: world.sinks,
            now: { [now] in now }, logger: Logger(label: "fake-rotator", factory: { _ in SwiftLogNoOpLogHandler() }))
        let connection = ControllerConnection(
            config: policy.controllers[0], api: world.jenkins, adminCredential: mode == .admin ? admin : nil,
            maxConsecutiveFailures: nil)
        return try await RotationEngine(
            context: context, options: .init(max: max, force: force), connections: ["ci": connection]
        ).run()
    }

    /// Consumers holding a value that no longer authenticates (SPEC §4: never a revoked token in a sink, except
    /// where a rotation's error names that sink). Nothing at all is allowed (a file removed rather than left dead).
    public func consumersHoldingDeadTokens() -> [String] {
        sinks.compactMap { sink in
            guard let value = world.sinks.value(sink.key) else { return nil }
            return world.jenkins.authenticates(value) == nil ? "\(sink)" : nil
        }
    }

    /// Everything a settled world must satisfy (SPEC §4): no unfinished rotation, exactly one live Jenkins token for
    /// alice, the inventory's one active token, and every consumer holding that token's value. Returns what is wrong.
    public func settledProblems() -> [String] {
        var problems: [String] = []
        let unfinished = world.inventory.rotations.filter { !$0.step.isFinal }
        if !unfinished.isEmpty {
            problems.append("unfinished rotations: \(unfinished.map { "\($0.step.rawValue) \($0.error ?? "")" })")
        }
        let live = world.jenkins.tokens(of: "alice")
        let inService = world.inventory.tokens.filter { $0.user == "alice" && $0.state != .revoked }
        if live.count != 1 { problems.append("Jenkins holds \(live.count) tokens for alice: \(live.map(\.name))") }
        if inService.count != 1 || inService.first?.state != .active {
            problems.append("inventory tokens in service: \(inService.map { "\($0.uuid) \($0.state)" })")
        }
        if let live = live.first, let kept = inService.first, live.uuid != kept.uuid {
            problems.append("Jenkins' token \(live.uuid) is not the inventory's \(kept.uuid)")
        }
        for sink in sinks {
            guard let value = world.sinks.value(sink.key) else {
                problems.append("\(sink) holds nothing")
                continue
            }
            if world.jenkins.authenticates(value) == nil { problems.append("\(sink) holds a token that does not work") }
        }
        return problems
    }
}
