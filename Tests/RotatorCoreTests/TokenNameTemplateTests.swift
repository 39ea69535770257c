import Foundation
import RotatorCore
import Testing

@Suite("Token name template")
struct TokenNameTemplateTests {
    static let values = PlaceholderValues(
        name: "ci", user: "svc-deploy", controller: "ci-main",
        rotationInstant: Date(timeIntervalSince1970: 1_767_571_200), rotation: "42")

    @Test(
        "placeholders are replaced by their values",
        arguments: [
            ("{name}", "ci"),
            ("{name}-{date}", "ci-2026-01-05"),
            ("{controller}/{user}/{name}#{rotation}", "ci-main/svc-deploy/ci#42"),
            ("rotated-by-token-rotator", "rotated-by-token-rotator"),
            ("}{name}}", "}ci}"),
            ("", ""),
        ])
    func renders(template: String, expected: String) throws {
        #expect(try TokenNameTemplate.render(template, values: Self.values) == expected)
    }

    @Test("{date} is the UTC day of the rotation instant")
    func dateIsUTC() throws {
        var values = Self.values
        // 2026-03-01T23:30:00-05:00 is already March 2nd in UTC.
        values.rotationInstant = try #require(ISO8601DateFormatter().date(from: "2026-03-01T23:30:00-05:00"))
        #expect(try TokenNameTemplate.render("{date}", values: values) == "2026-03-02")
    }

    @Test(
        "an unknown placeholder is an error that lists the known ones",
        arguments: ["{nam}", "x-{token}", "{}", "{Name}"])
    func unknown(template: String) {
        let error = #expect(throws: TemplateError.self) {
            try TokenNameTemplate.render(template, values: Self.values)
        }
        guard case .unknownPlaceholder? = error else {
            Issue.record("expected unknownPlaceholder, got \(String(describing: error))")
            return
        }
        #expect("\(error!)".contains("{name} {user} {controller} {date} {rotation}"))
        #expect(throws: TemplateError.self) { try TokenNameTemplate.validate(template) }
    }

    @Test("an unclosed placeholder is an error")
    func unclosed() {
        #expect(throws: TemplateError.unclosedPlaceholder(template: "ci-{name")) {
            try TokenNameTemplate.render("ci-{name", values: Self.values)
        }
    }

    @Test("the placeholders a template uses are listed in order")
    func listsPlaceholders() throws {
        #expect(try TokenNameTemplate.placeholders(in: "{user}-{name}-{user}") == [.user, .name, .user])
        #expect(try TokenNameTemplate.placeholders(in: "plain").isEmpty)
    }

    @Test("text mode lets any value through")
    func textModeAllowsSlashes() throws {
        var values = Self.values
        values.user = "team/../x"
        #expect(try TokenNameTemplate.render("{user}", values: values) == "team/../x")
    }

    @Test(
        "path mode refuses a value that would leave its folder",
        arguments: ["", ".", "..", "a/b", "/etc", "x\0y"])
    func pathModeRefuses(name: String) {
        var values = Self.values
        values.name = name
        #expect(throws: TemplateError.self) {
            try TokenNameTemplate.renderPath("/var/lib/token-rotator/{name}.token", values: values)
        }
        #expect(throws: TemplateError.self) {
            try TokenNameTemplate.render("/var/lib/{name}/ci.token", values: values, mode: .path)
        }
    }

    @Test("path mode accepts ordinary values, dots inside names included")
    func pathModeAccepts() throws {
        var values = Self.values
        values.name = "ci.v2..old"
        #expect(
            try TokenNameTemplate.renderPath("/var/lib/{controller}/{user}/{name}.token", values: values)
                == "/var/lib/ci-main/svc-deploy/ci.v2..old.token")
    }

    @Test(
        "path mode requires an absolute path to a file",
        arguments: ["tokens/{name}.token", "{name}", "/var/lib/{name}/", "/var/lib/{name}/.."])
    func pathModeRequiresAbsoluteFile(template: String) {
        #expect(throws: TemplateError.self) {
            try TokenNameTemplate.renderPath(template, values: Self.values)
        }
    }

    @Test("a NUL character is refused in any mode")
    func nulCharacter() {
        #expect(throws: TemplateError.nulCharacter(template: "ci\0{name}")) {
            try TokenNameTemplate.render("ci\0{name}", values: Self.values)
        }
    }
}
