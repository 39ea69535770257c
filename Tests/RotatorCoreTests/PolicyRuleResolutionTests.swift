import RotatorCore
import Testing

@Suite("RotationPolicy.resolve: first matching rule wins")
struct PolicyRuleResolutionTests {
    static let yaml = """
        version: 1
        controllers:
          ci-main: { url: "https://main.example.com/", auth: { user: admin, token_env: MAIN_TOKEN } }
          ci-edge: { url: "https://edge.example.com/", auth: { user: admin, token_file: /run/edge } }
        defaults:
          max_age: 90d
          deliver: [ { file: { path: "/t/{controller}/{user}/{name}" } } ]
        rules:
          - match: { user: admin }
            skip: true
          - match: { controller: ci-main, user: "svc-*" }
            max_age: 30d
            rotate_before: 7d
          - match: { user: "svc-deploy" }
            max_age: 10d
            rotate_before: 2d
          - match: { controller: "ci-*", name: "[ab]-?" }
            grace: 1h
            verify: false
        """

    struct Expectation: Sendable, CustomTestStringConvertible {
        let controller: String
        let user: String
        let name: String
        let ruleIndex: Int?
        let skip: Bool
        let maxAge: TimeSpan
        var testDescription: String { "\(controller)/\(user)/\(name)" }
    }

    @Test(
        "each token gets the first rule that matches it",
        arguments: [
            Expectation(controller: "ci-main", user: "admin", name: "x", ruleIndex: 0, skip: true, maxAge: .days(90)),
            Expectation(
                controller: "ci-main", user: "svc-deploy", name: "ci", ruleIndex: 1, skip: false, maxAge: .days(30)),
            // rules[2] is shadowed on ci-main by rules[1], but applies on ci-edge.
            Expectation(
                controller: "ci-edge", user: "svc-deploy", name: "ci", ruleIndex: 2, skip: false, maxAge: .days(10)),
            Expectation(controller: "ci-edge", user: "bob", name: "a-1", ruleIndex: 3, skip: false, maxAge: .days(90)),
            Expectation(
                controller: "ci-edge", user: "bob", name: "c-1", ruleIndex: nil, skip: false, maxAge: .days(90)),
            Expectation(
                controller: "ci-main", user: "bob", name: "a-12", ruleIndex: nil, skip: false, maxAge: .days(90)),
        ])
    func resolves(_ expectation: Expectation) throws {
        let policy = try PolicyLoader.parse(Self.yaml, source: "rules.yml")
        let resolved = policy.resolve(
            controller: expectation.controller, user: expectation.user, name: expectation.name)
        #expect(resolved.ruleIndex == expectation.ruleIndex)
        #expect(resolved.skip == expectation.skip)
        #expect(resolved.settings.maxAge == expectation.maxAge)
        #expect(resolved.label == (expectation.ruleIndex.map { policy.rules[$0].label(index: $0) } ?? "defaults"))
    }

    @Test("overrides inherit everything they do not set from defaults")
    func overridesInherit() throws {
        let policy = try PolicyLoader.parse(Self.yaml, source: "rules.yml")
        let settings = policy.resolve(controller: "ci-edge", user: "bob", name: "b-2").settings
        #expect(settings.grace == .hours(1))
        #expect(settings.verify == false)
        #expect(settings.maxAge == .days(90))
        #expect(settings.rotateBefore == .days(14))
        #expect(settings.deliver == [.file(path: "/t/{controller}/{user}/{name}", format: .raw)])
        #expect(policy.rules.map(\.line) == [9, 11, 14, 17])
        #expect(policy.rules[1].label(index: 1) == "rules[1] {controller: ci-main, user: svc-*}")
        #expect(policy.namedSecretVariables == ["MAIN_TOKEN"])
    }

    @Test("changing the defaults or the rules after loading changes what tokens resolve to")
    func resolvesAfterChanges() throws {
        var policy = try PolicyLoader.parse(Self.yaml, source: "rules.yml")
        policy.defaults.maxAge = .days(45)
        #expect(policy.resolve(controller: "ci-edge", user: "bob", name: "c-1").settings.maxAge == .days(45))
        #expect(policy.resolve(controller: "ci-edge", user: "bob", name: "a-1").settings.maxAge == .days(45))
        policy.rules.removeFirst()
        let admin = policy.resolve(controller: "ci-main", user: "admin", name: "x")
        #expect(admin.ruleIndex == nil && !admin.skip && admin.label == "defaults")
        #expect(policy.resolve(controller: "ci-main", user: "svc-deploy", name: "ci").ruleIndex == 0)
    }
}
