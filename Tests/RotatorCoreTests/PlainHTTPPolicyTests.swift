import RotatorCore
import Testing

@Suite("Policy: plain http only to loopback unless allow_plain_http (SPEC §8.1)")
struct PlainHTTPPolicyTests {
    static func policy(url: String, extra: String = "") -> String {
        """
        version: 1
        controllers:
          lab:
            url: \(url)
            auth: { user: rotation-admin, token_env: JENKINS_ADMIN_TOKEN }\(extra)
        """
    }

    @Test(
        "plain http to loopback is accepted without a flag",
        arguments: [
            "http://127.0.0.1:8080/", "http://127.9.8.7/", "http://localhost:8080/jenkins/", "http://[::1]:8080/",
            "http://LOCALHOST/", "https://jenkins.example.com/",
        ])
    func loopbackAccepted(url: String) throws {
        let policy = try PolicyLoader.parse(Self.policy(url: url), source: "p.yml")
        #expect(policy.controllers.first?.usesPlainHTTPOverNetwork == false)
    }

    @Test(
        "plain http to any other host is a configuration error naming file, line and key",
        arguments: [
            "http://jenkins.example.com/", "http://10.0.0.5:8080/", "http://128.0.0.1/", "http://127.0.0.1.nip.io/",
            "HTTP://jenkins-lab.internal/", "http://[::2]/", "http://0.0.0.0/",
        ])
    func networkRefused(url: String) throws {
        let error = try #require(throws: PolicyError.self) {
            try PolicyLoader.parse(Self.policy(url: url), source: "p.yml")
        }
        #expect(error.file == "p.yml")
        #expect(error.line == 4)
        #expect(error.keyPath == "controllers.lab.url")
        #expect(error.description.contains("plain http"))
        #expect(error.description.contains("allow_plain_http: true"))
    }

    @Test("allow_plain_http: true accepts it and marks the controller for a warning")
    func allowed() throws {
        let policy = try PolicyLoader.parse(
            Self.policy(url: "http://jenkins-lab.internal:8080/", extra: "\n    allow_plain_http: true"),
            source: "p.yml")
        let controller = try #require(policy.controllers.first)
        #expect(controller.allowPlainHTTP)
        #expect(controller.usesPlainHTTPOverNetwork)
    }

    @Test("allow_plain_http must be a boolean")
    func flagType() throws {
        let error = try #require(throws: PolicyError.self) {
            try PolicyLoader.parse(
                Self.policy(url: "http://jenkins-lab.internal/", extra: "\n    allow_plain_http: sometimes"),
                source: "p.yml")
        }
        #expect(error.keyPath == "controllers.lab.allow_plain_http")
    }
}
