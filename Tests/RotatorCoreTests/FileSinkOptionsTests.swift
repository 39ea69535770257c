import RotatorCore
import Testing

/// SPEC §8.10: a file sink's `mode` (octal string, default "0600", never group- or world-writable) and `group`.
@Suite("File sink mode and group")
struct FileSinkOptionsTests {
    static func policy(_ file: String) -> String {
        """
        version: 1
        controllers:
          ci:
            url: https://jenkins.example.com/
            auth: { user: rotation-admin, token_env: JENKINS_ADMIN_TOKEN }
        defaults:
          max_age: 90d
          deliver:
            - file: \(file)

        """
    }

    static func sink(_ file: String) throws -> SinkConfig? {
        try PolicyLoader.parse(policy(file), source: "policy.yml").defaults.deliver.first
    }

    @Test(
        "mode and group are read into the sink; mode defaults to 0600",
        arguments: [
            ("{ path: \"/t/{name}\" }", FileSinkOptions(format: .raw, mode: 0o600, group: nil)),
            (
                "{ path: \"/t/{name}\", mode: \"0640\", group: root }",
                FileSinkOptions(format: .raw, mode: 0o640, group: "root")
            ),
            (
                "{ path: \"/t/{name}\", format: env, mode: \"400\" }",
                FileSinkOptions(format: .env, mode: 0o400, group: nil)
            ),
        ])
    func accepted(yaml: String, options: FileSinkOptions) throws {
        #expect(try Self.sink(yaml) == .file(path: "/t/{name}", options: options))
    }

    @Test(
        "a writable-by-others mode, a non-octal mode or an unknown group is an error naming line 9 and the key",
        arguments: [
            ("{ path: \"/t/{name}\", mode: \"0664\" }", "mode 0664 lets other users write the token file"),
            ("{ path: \"/t/{name}\", mode: \"0602\" }", "mode 0602 lets other users write the token file"),
            ("{ path: \"/t/{name}\", mode: \"0680\" }", "is not an octal permission"),
            ("{ path: \"/t/{name}\", mode: \"4600\" }", "is not an octal permission"),
            ("{ path: \"/t/{name}\", group: no-such-group-4711 }", "group no-such-group-4711 does not exist"),
        ])
    func refused(yaml: String, message: String) throws {
        let error = #expect(throws: PolicyError.self) { try Self.sink(yaml) }
        #expect(error?.line == 9)
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.description.hasPrefix("policy.yml:9:") == true, "\(error?.description ?? "")")
    }
}
