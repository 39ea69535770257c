import Foundation
import RotatorCore
import Testing

@Suite("Planner")
struct PlannerTests {
    static let asOf = Timestamp.parse("2026-06-01T00:00:00Z")!

    static func policy(
        rules: [PolicyRule] = [], maxRotations: Int? = nil, maxAge: TimeSpan = .days(90),
        rotateBefore: TimeSpan = .days(14)
    ) -> RotationPolicy {
        RotationPolicy(
            controllers: [
                ControllerConfig(id: "ci-main", url: URL(string: "https://ci.example.com/")!),
                ControllerConfig(id: "ci-edge", url: URL(string: "https://edge.example.com/")!),
            ],
            defaults: TokenSettings(maxAge: maxAge, rotateBefore: rotateBefore),
            rules: rules,
            limits: RotationLimits(maxRotations: maxRotations))
    }

    static func token(
        _ name: String, created: String, controller: String = "ci-main", user: String = "alice",
        state: TokenState = .active, revokeAfter: String? = nil
    ) -> InventoryToken {
        InventoryToken(
            controller: controller, user: user, name: name, uuid: "uuid-\(controller)-\(user)-\(name)",
            created: Timestamp.parse(created)!, state: state, revokeAfter: revokeAfter.flatMap(Timestamp.parse))
    }

    static func action(_ token: InventoryToken, _ planner: Planner) -> PlanAction? {
        planner.plan([token]).first?.action
    }

    @Test(
        "a token becomes due exactly at created + max_age - rotate_before",
        arguments: [
            // due age is 76 days: created 76 days before asOf is due, one second later is not
            ("2026-03-17T00:00:00Z", PlanAction.rotate),
            ("2026-03-17T00:00:01Z", PlanAction.none),
            ("2026-03-16T23:59:59Z", PlanAction.rotate),
            ("2026-01-01T00:00:00Z", PlanAction.rotate),
            ("2026-05-31T00:00:00Z", PlanAction.none),
        ])
    func dueBoundary(created: String, expected: PlanAction) {
        let planner = Planner(policy: Self.policy(), asOf: Self.asOf)
        #expect(Self.action(Self.token("ci", created: created), planner) == expected)
    }

    @Test("overdue means past created + max_age, strictly")
    func overdueBoundary() throws {
        let planner = Planner(policy: Self.policy(), asOf: Self.asOf)
        let atLimit = try #require(planner.plan([Self.token("a", created: "2026-03-03T00:00:00Z")]).first)
        #expect(atLimit.assessment.age == .days(90))
        #expect(!atLimit.assessment.overdue)
        let past = try #require(planner.plan([Self.token("b", created: "2026-03-02T23:59:59Z")]).first)
        #expect(past.assessment.overdue)
        #expect(past.action == .rotate)
        #expect(past.reason.hasPrefix("overdue"))
    }

    @Test("leap days count as whole days of age")
    func leapDay() throws {
        // 2028 is a leap year: 2028-02-28 + 2 days = 2028-03-01
        let policy = Self.policy(maxAge: .days(3), rotateBefore: .days(1))
        let planner = Planner(policy: policy, asOf: Timestamp.parse("2028-03-01T00:00:00Z")!)
        let entry = try #require(planner.plan([Self.token("ci", created: "2028-02-28T00:00:00Z")]).first)
        #expect(entry.assessment.age == .days(2))
        #expect(entry.action == .rotate)
        #expect(entry.assessment.due == Timestamp.parse("2028-03-01T00:00:00Z"))
        let notYet = Planner(policy: policy, asOf: Timestamp.parse("2028-02-29T23:59:59Z")!)
        #expect(Self.action(Self.token("ci", created: "2028-02-28T00:00:00Z"), notYet) == PlanAction.none)
    }

    @Test("a token created in the future is reported and never rotated, even with --force")
    func clockSkew() throws {
        let planner = Planner(policy: Self.policy(), asOf: Self.asOf, force: true)
        let entry = try #require(planner.plan([Self.token("ci", created: "2026-06-02T00:00:00Z")]).first)
        #expect(entry.action == .skip)
        #expect(entry.reason.contains("future"))
        #expect(entry.assessment.age.seconds < 0)
    }

    @Test("the first matching rule wins and shadows later rules")
    func shadowedRule() throws {
        let rules = [
            PolicyRule(match: RuleMatch(user: Glob("svc-*")), overrides: TokenSettingsOverrides(maxAge: .days(30))),
            PolicyRule(match: RuleMatch(user: Glob("svc-deploy")), skip: true),
        ]
        let planner = Planner(policy: Self.policy(rules: rules), asOf: Self.asOf)
        let entry = try #require(
            planner.plan([Self.token("ci", created: "2026-05-10T00:00:00Z", user: "svc-deploy")]).first)
        #expect(entry.ruleLabel == "rules[0] {user: svc-*}")
        #expect(entry.assessment.maxAge == .days(30))
        #expect(entry.action == .rotate)
    }

    @Test("a skip rule leaves the token unmanaged: never rotated, never overdue for the exit code")
    func skipRule() throws {
        let rules = [PolicyRule(match: RuleMatch(user: Glob("admin")), skip: true)]
        let planner = Planner(policy: Self.policy(rules: rules), asOf: Self.asOf, force: true)
        let entry = try #require(planner.plan([Self.token("ci", created: "2020-01-01T00:00:00Z", user: "admin")]).first)
        #expect(entry.action == .skip)
        #expect(!entry.assessment.isManaged)
    }

    @Test("a token of a controller the policy does not name is skipped with a reason")
    func unknownController() throws {
        let planner = Planner(policy: Self.policy(), asOf: Self.asOf)
        let entry = try #require(
            planner.plan([Self.token("ci", created: "2020-01-01T00:00:00Z", controller: "old-ci")]).first)
        #expect(entry.action == .skip)
        #expect(entry.reason.contains("old-ci"))
        #expect(entry.assessment.due == nil)
    }

    @Test("--force rotates tokens that are not due yet")
    func force() {
        let token = Self.token("ci", created: "2026-05-30T00:00:00Z")
        #expect(Self.action(token, Planner(policy: Self.policy(), asOf: Self.asOf)) == PlanAction.none)
        #expect(Self.action(token, Planner(policy: Self.policy(), asOf: Self.asOf, force: true)) == .rotate)
    }

    @Test("the run limit keeps the most overdue tokens and skips the rest, deterministically")
    func limitOrder() {
        let tokens = [
            Self.token("c", created: "2026-02-01T00:00:00Z"),
            Self.token("a", created: "2025-12-01T00:00:00Z"),
            Self.token("d", created: "2026-01-15T00:00:00Z"),
            Self.token("b", created: "2025-12-01T00:00:00Z", user: "bob"),
        ]
        let fromPolicy = Planner(policy: Self.policy(maxRotations: 2), asOf: Self.asOf).plan(tokens)
        let rotated = fromPolicy.filter { $0.action == .rotate }.map(\.token.name)
        #expect(rotated.sorted() == ["a", "b"])
        #expect(fromPolicy.filter { $0.action == .skip }.allSatisfy { $0.reason.hasPrefix("limit") })
        let fromFlag = Planner(policy: Self.policy(maxRotations: 3), asOf: Self.asOf, max: 1).plan(tokens)
        #expect(fromFlag.filter { $0.action == .rotate }.map(\.token.name) == ["a"])
        let shuffled = Planner(policy: Self.policy(maxRotations: 3), asOf: Self.asOf, max: 1).plan(tokens.reversed())
        #expect(shuffled.filter { $0.action == .rotate }.map(\.token.name) == ["a"])
    }

    @Test("filters leave other tokens out of the plan")
    func filters() {
        let tokens = [
            Self.token("ci", created: "2025-01-01T00:00:00Z"),
            Self.token("ci", created: "2025-01-01T00:00:00Z", controller: "ci-edge"),
            Self.token("deploy", created: "2025-01-01T00:00:00Z", user: "svc-x"),
        ]
        let planner = Planner(
            policy: Self.policy(), asOf: Self.asOf,
            filter: TokenFilter(controllers: ["ci-main"], user: Glob("a*")))
        #expect(planner.plan(tokens).map(\.token.uuid) == ["uuid-ci-main-alice-ci"])
        let byName = Planner(policy: Self.policy(), asOf: Self.asOf, filter: TokenFilter(name: Glob("dep*")))
        #expect(byName.plan(tokens).map(\.token.name) == ["deploy"])
    }

    @Test("retiring tokens are retired once their grace has passed, and revoked ones are not planned")
    func retiring() {
        let planner = Planner(policy: Self.policy(), asOf: Self.asOf)
        let passed = Self.token(
            "a", created: "2026-05-01T00:00:00Z", state: .retiring, revokeAfter: "2026-06-01T00:00:00Z")
        let pending = Self.token(
            "b", created: "2026-05-01T00:00:00Z", state: .retiring, revokeAfter: "2026-06-01T00:00:01Z")
        let revoked = Self.token("c", created: "2025-01-01T00:00:00Z", state: .revoked)
        let plan = planner.plan([passed, pending, revoked])
        #expect(plan.map(\.action) == [.retire, PlanAction.none])
    }

    @Test("a token with an unfinished rotation is resumed, not rotated again, and does not use the limit")
    func resume() {
        let token = Self.token("a", created: "2025-01-01T00:00:00Z")
        let other = Self.token("b", created: "2025-01-02T00:00:00Z")
        let rotation = JournalEntry(
            id: 7, runID: 1, controller: "ci-main", user: "alice", name: "a", oldUUID: token.uuid, step: .minted,
            started: Self.asOf)
        let planner = Planner(policy: Self.policy(maxRotations: 1), asOf: Self.asOf, unfinished: [rotation])
        let plan = planner.plan([token, other])
        #expect(plan.map(\.action) == [.resume, .rotate])
        #expect(plan[0].reason.contains("#7"))
    }

    @Test(
        "the oldest-first pass that stops early chooses exactly what a pass over every token chooses",
        arguments: [1, 3, 10, 40])
    func earlyStopMatchesFullPass(limit: Int) async throws {
        let rules = [
            PolicyRule(
                match: RuleMatch(user: Glob("svc-*")),
                overrides: TokenSettingsOverrides(maxAge: .days(30), rotateBefore: .days(7))),
            PolicyRule(match: RuleMatch(name: Glob("long*")), overrides: TokenSettingsOverrides(maxAge: .days(365))),
        ]
        var generator = SystemRandomNumberGenerator()
        var tokens: [InventoryToken] = []
        for index in 0..<300 {
            let user = ["alice", "svc-a", "svc-b", "bob"][index % 4]
            let name = ["ci", "longlived", "deploy"][index % 3]
            let created = Self.asOf.addingTimeInterval(
                -Double(UInt64.random(in: 0...(400 * 86_400), using: &generator)))
            tokens.append(
                InventoryToken(
                    controller: "ci-main", user: user, name: "\(name)-\(index)", uuid: "u\(index)", created: created))
        }
        for force in [false, true] {
            let planner = Planner(policy: Self.policy(rules: rules, maxRotations: limit), asOf: Self.asOf, force: force)
            let full = planner.select(tokens.compactMap(planner.candidate(for:)))
            var visited = 0
            let early = try await planner.selectOldestFirst { body in
                for token in tokens.sorted(by: { $0.created < $1.created }) {
                    visited += 1
                    guard try body(token) else { return }
                }
            }
            let chosenFull = Set(
                tokens.map(\.uuid).filter {
                    full.allows($0) && planner.candidate(for: tokens[Int($0.dropFirst())!]) != nil
                })
            let chosenEarly = Set(
                tokens.map(\.uuid).filter {
                    early.allows($0) && planner.candidate(for: tokens[Int($0.dropFirst())!]) != nil
                })
            #expect(chosenFull == chosenEarly)
            #expect(chosenEarly.count == min(limit, tokens.compactMap(planner.candidate(for:)).count))
            if !force && limit <= 10 { #expect(visited < tokens.count, "the walk never stopped early") }
        }
    }
}
