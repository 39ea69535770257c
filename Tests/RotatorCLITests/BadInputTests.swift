import Foundation
import JenkinsSimulator
import JenkinsTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One hostile input: how to plant it in a fresh scenario (a live simulator behind a ``JenkinsProxy``, an inventory
/// with one aged token, a policy), the command to run, and what must come out. Whatever happens, the inventory's
/// tokens stay as they were and the old token stays valid in Jenkins; for everything but HTTP answers (where the
/// run and its failed rotation are recorded) the whole database stays as it was.
struct HostileInput: Sendable, CustomTestStringConvertible {
    enum Area: String, Sendable {
        case policy
        case importFile = "import"
        case environment, file, http
    }

    typealias Arrange = @Sendable (BadInputWorld) async throws -> [String]

    let area: Area
    let name: String
    let status: Int32
    /// Text that stdout + stderr must contain.
    let message: String
    let arrange: Arrange

    var testDescription: String { "\(area.rawValue): \(name)" }

    init(_ area: Area, _ name: String, exit status: Int32, _ message: String, _ arrange: @escaping Arrange) {
        self.area = area
        self.name = name
        self.status = status
        self.message = message
        self.arrange = arrange
    }
}

/// What a ``HostileInput`` may change before its command runs.
struct BadInputWorld: Sendable {
    let scenario: RotationScenario
    let proxy: JenkinsProxy
    var world: TestWorld { scenario.world }

    /// A value shaped like a Jenkins token that must never be echoed.
    static let pastedToken = "11" + String(repeating: "7e", count: 16)

    func policy() throws -> String { try String(contentsOfFile: world.policyPath, encoding: .utf8) }

    /// Replaces `old` with `new` in the policy (which must contain it) and returns `["rotate"]`.
    func editPolicy(_ old: String, _ new: String, command: [String] = ["rotate"]) throws -> [String] {
        let text = try policy()
        guard text.contains(old) else { throw BadInputError("the policy has no \(old)") }
        try world.writePolicy(text.replacingOccurrences(of: old, with: new))
        return command
    }

    func appendPolicy(_ extra: String) throws -> [String] {
        try world.writePolicy(try policy() + extra)
        return ["rotate"]
    }

    /// Writes an import file and returns `inventory import PATH`.
    func importing(_ text: String, as name: String) throws -> [String] {
        ["inventory", "import", try world.write(text, to: name)]
    }

    func importing(bytes: [UInt8], as name: String) throws -> [String] {
        let path = world.path(name)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return ["inventory", "import", path]
    }

    /// Points auth at a token file at `path` and returns `["rotate"]`.
    func tokenFile(_ path: String) throws -> [String] {
        try editPolicy(
            "auth: { user: rotation-admin, password_env: ADMIN_PASSWORD }",
            "auth: { user: rotation-admin, token_file: \(path) }")
    }

    /// Makes the next request whose path ends with `suffix` get this answer; returns `["rotate"]`.
    func answer(
        _ suffix: String, status: Int = 200, contentType: String? = "application/json", _ body: [UInt8],
        remaining: Int = 10
    ) async -> [String] {
        let headers = contentType.map { [("Content-Type", $0)] } ?? []
        await proxy.book.add(
            .init(pathSuffix: suffix, status: status, headers: headers, body: body, remaining: remaining))
        return ["rotate"]
    }

    func answer(
        _ suffix: String, status: Int = 200, contentType: String? = "application/json", _ text: String,
        remaining: Int = 10
    ) async -> [String] {
        await answer(suffix, status: status, contentType: contentType, Array(text.utf8), remaining: remaining)
    }

    /// Adds a jenkins-sim fault and points the policy at the simulator itself (through the proxy, a dropped
    /// connection would turn into the proxy's 500); returns `["rotate"]`.
    func fault(_ spec: String) async throws -> [String] {
        try await scenario.simulator.addFault(spec)
        return try editPolicy(proxy.baseURL.absoluteString, scenario.simulator.baseURL.absoluteString)
    }
}

struct BadInputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite("Bad input: hostile policies, imports, environment, files and HTTP answers change nothing")
struct BadInputTests {
    static let header = "controller,user,name,uuid,created\n"
    static let htmlPage = "<html><head><title>Sign in [Jenkins]</title></head><body>login</body></html>"

    static let policies: [HostileInput] = [
        .init(.policy, "unknown top-level key", exit: 2, "policy.yml:", { try $0.appendPolicy("colour: blue\n") }),
        .init(.policy, "a token written inline", exit: 2, "secrets may not be written in the policy") {
            try $0.editPolicy("password_env: ADMIN_PASSWORD", "token: \(BadInputWorld.pastedToken)")
        },
        .init(.policy, "a duration with a unit spelt out", exit: 2, "max_age") {
            try $0.editPolicy("max_age: 90d", "max_age: 90 days")
        },
        .init(.policy, "a rule that can never be due", exit: 2, "rotate_before") {
            try $0.editPolicy("rotate_before: 14d", "rotate_before: 90d")
        },
        .init(.policy, "plain http to a remote host", exit: 2, "plain http") {
            try $0.editPolicy("url: http://127.0.0.1:", "url: http://jenkins.example.com:")
        },
        .init(.policy, "tab indentation", exit: 2, "YAML syntax error") {
            try $0.editPolicy("  ci:\n", "\tci:\n")
        },
        .init(.policy, "100,000 nested lists", exit: 2, "YAML syntax error") {
            try $0.appendPolicy("rules: " + String(repeating: "[", count: 100_000) + "\n")
        },
        .init(.policy, "an alias bomb", exit: 2, "policy.yml") {
            var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
            for level in 1..<10 {
                bomb +=
                    "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
                    + "]\n"
            }
            return try $0.appendPolicy(bomb + "rules: *a9\n")
        },
        .init(.policy, "a rule naming an unknown controller", exit: 2, "\"nowhere\" names no controller") {
            try $0.appendPolicy("rules:\n  - match: { controller: nowhere }\n    skip: true\n")
        },
        .init(.policy, "a {token} placeholder in a command", exit: 2, "{token}") {
            try $0.appendPolicy(
                "rules:\n  - match: { user: alice }\n    deliver:\n      - command: [\"/bin/cat\", \"{token}\"]\n")
        },
        .init(.policy, "policy bytes that are not UTF-8", exit: 2, "is not UTF-8 text") {
            #expect(
                FileManager.default.createFile(atPath: $0.world.policyPath, contents: Data([0x76, 0xff, 0xfe, 0x0a])))
            return ["rotate"]
        },
        .init(.policy, "a policy larger than 1 MiB", exit: 2, "larger than 1 MiB") {
            try $0.appendPolicy("# " + String(repeating: "x", count: 1 << 20) + "\n")
        },
        .init(.policy, "a policy that is a FIFO", exit: 2, "FIFO") {
            try FileManager.default.removeItem(atPath: $0.world.policyPath)
            guard mkfifo($0.world.policyPath, 0o600) == 0 else { throw BadInputError("mkfifo") }
            return ["rotate"]
        },
    ]

    static let imports: [HostileInput] = [
        .init(.importFile, "a token pasted into the uuid column", exit: 2, "a value of 34 hex characters") {
            try $0.importing(header + "ci,bob,ci,\(BadInputWorld.pastedToken),2026-01-05\n", as: "t.csv")
        },
        .init(.importFile, "a missing column", exit: 2, "column `created` is missing") {
            try $0.importing("controller,user,name,uuid\nci,bob,ci,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10\n", as: "t.csv")
        },
        .init(.importFile, "an unterminated quote", exit: 2, "t.csv:2: a quoted field is never closed") {
            try $0.importing(header + "ci,\"bob,ci,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-05\n", as: "t.csv")
        },
        .init(.importFile, "a uuid twice", exit: 2, "already appears on line 2") {
            let row = "ci,bob,ci,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-05\n"
            return try $0.importing(header + row + row, as: "t.csv")
        },
        .init(.importFile, "an impossible date", exit: 2, "\"2026-13-45\" is not an ISO 8601 date") {
            try $0.importing(header + "ci,bob,ci,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-13-45\n", as: "t.csv")
        },
        .init(.importFile, "truncated JSON", exit: 2, "malformed JSON") {
            try $0.importing("[{\"controller\": \"ci\", \"user\": \"bob\", \"na", as: "t.json")
        },
        .init(
            .importFile, "a JSON object instead of an array", exit: 2, "t.json:1: a JSON import is an array of objects"
        ) {
            try $0.importing("{\"controller\": \"ci\"}", as: "t.json")
        },
        .init(.importFile, "a JSON number where a string belongs", exit: 2, "field `user` must be a JSON string") {
            try $0.importing(
                "[{\"controller\": \"ci\", \"user\": 7, \"name\": \"x\", \"uuid\": \"0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10\", \"created\": \"2026-01-05\"}]",
                as: "t.json")
        },
        .init(.importFile, "100,000 nested JSON arrays", exit: 2, "malformed JSON") {
            try $0.importing(String(repeating: "[", count: 100_000), as: "t.json")
        },
        .init(.importFile, "an empty file", exit: 2, "the file is empty") { try $0.importing("", as: "t.csv") },
        .init(.importFile, "binary bytes", exit: 2, "not UTF-8") {
            try $0.importing(bytes: [0x63, 0x6f, 0xff, 0x00, 0xfe], as: "t.csv")
        },
        .init(.importFile, "a FIFO", exit: 2, "FIFO") {
            let path = $0.world.path("t.csv")
            guard mkfifo(path, 0o600) == 0 else { throw BadInputError("mkfifo") }
            return ["inventory", "import", path]
        },
        .init(
            .importFile, "64 MiB of NUL bytes after the header (sparse): streamed, refused at the first long value",
            exit: 2, "huge.csv:2: a value is longer than 64 KiB"
        ) {
            let path = $0.world.path("huge.csv")
            #expect(FileManager.default.createFile(atPath: path, contents: Data(header.utf8)))
            guard truncate(path, off_t(64 << 20) + 1) == 0 else { throw BadInputError("truncate") }
            return ["inventory", "import", path]
        },
    ]

    static let environment: [HostileInput] = [
        .init(.environment, "the admin password variable unset", exit: 2, "ADMIN_PASSWORD is not set") {
            $0.world.variables["ADMIN_PASSWORD"] = nil
            return ["rotate"]
        },
        .init(.environment, "the admin password variable empty", exit: 2, "ADMIN_PASSWORD is empty") {
            $0.world.variables["ADMIN_PASSWORD"] = ""
            return ["rotate"]
        },
        .init(.environment, "--as-of that is no instant", exit: 2, "is not an ISO 8601 instant") { _ in
            ["rotate", "--as-of", "next tuesday"]
        },
        .init(.environment, "--controller not in the policy", exit: 2, "is not in the policy") { _ in
            ["rotate", "--controller", "nowhere"]
        },
        .init(.environment, "--max that is not a number", exit: 2, "--max") { _ in ["rotate", "--max", "lots"] },
        .init(.environment, "an unknown command", exit: 2, "rotat") { _ in ["rotat"] },
    ]

    static let files: [HostileInput] = [
        .init(.file, "token_file is a FIFO", exit: 2, "it is a FIFO (named pipe), not a regular file") {
            let path = $0.world.path("admin.fifo")
            guard mkfifo(path, 0o600) == 0 else { throw BadInputError("mkfifo") }
            return try $0.tokenFile(path)
        },
        .init(.file, "token_file is /dev/zero", exit: 2, "it is a character device") { try $0.tokenFile("/dev/zero") },
        .init(.file, "token_file over 64 KiB", exit: 2, "larger than 64 KiB") {
            try $0.tokenFile(try $0.world.write(String(repeating: "1", count: 70_000), to: "big.token"))
        },
        .init(.file, "token_file missing", exit: 2, "does not exist") {
            try $0.tokenFile($0.world.path("missing.token"))
        },
        .init(.file, "token_file is a folder", exit: 2, "it is a folder") { try $0.tokenFile($0.world.folder) },
        .init(.file, "the lock file is a symbolic link", exit: 2, "symbolic link") {
            let victim = try $0.world.write("keep\n", to: "victim")
            guard symlink(victim, InventoryLockPath.of($0.world.database)) == 0 else { throw BadInputError("symlink") }
            return ["rotate"]
        },
        .init(.file, "token_file that is not UTF-8", exit: 2, "it is not UTF-8 text") {
            let path = $0.world.path("binary.token")
            #expect(FileManager.default.createFile(atPath: path, contents: Data([0x31, 0x31, 0xff, 0xfe])))
            return try $0.tokenFile(path)
        },
    ]

    static let http: [HostileInput] = [
        .init(.http, "crumb: 200 with an empty body", exit: 1, "an empty body") {
            await $0.answer("/crumbIssuer/api/json", "")
        },
        .init(.http, "crumb: HTML where JSON belongs", exit: 1, "an HTML page (text/html, title 'Sign in [Jenkins]')") {
            await $0.answer("/crumbIssuer/api/json", contentType: "text/html", BadInputTests.htmlPage)
        },
        .init(.http, "crumb: truncated JSON", exit: 1, "do not parse as the expected JSON") {
            await $0.answer("/crumbIssuer/api/json", "{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"cru")
        },
        .init(.http, "crumb: JSON missing its fields", exit: 1, "do not parse as the expected JSON") {
            await $0.answer("/crumbIssuer/api/json", "{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\"}")
        },
        .init(.http, "crumb: a 10 MB body", exit: 1, "expected an answer of at most 8 MiB but got a longer body") {
            await $0.answer("/crumbIssuer/api/json", [UInt8](repeating: 0x20, count: 10_000_000))
        },
        .init(.http, "crumb: binary with a wrong content type", exit: 1, "application/octet-stream") {
            await $0.answer("/crumbIssuer/api/json", contentType: "application/octet-stream", [0x00, 0xff, 0x10, 0x80])
        },
        .init(.http, "generate: 200 with an empty body", exit: 1, "uncertain") {
            try await $0.fault("generate:status=200")
        },
        .init(.http, "generate: HTML where JSON belongs", exit: 1, "HTML page") {
            await $0.answer("/generateNewToken", contentType: "text/html", BadInputTests.htmlPage, remaining: 1)
        },
        .init(.http, "generate: JSON without tokenValue", exit: 1, "expected a token value") {
            await $0.answer(
                "/generateNewToken",
                "{\"status\":\"ok\",\"data\":{\"tokenName\":\"ci\",\"tokenUuid\":\"0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10\"}}",
                remaining: 1)
        },
        .init(.http, "whoAmI: HTML where JSON belongs", exit: 1, "HTML page") {
            await $0.answer("/whoAmI/api/json", contentType: "text/html", BadInputTests.htmlPage)
        },
        .init(.http, "every request: 503 without Retry-After", exit: 1, "Jenkins failed with HTTP 503") {
            try await $0.fault("any:status=503")
        },
        .init(.http, "every request: 401", exit: 1, "Jenkins rejected the credentials of 'rotation-admin' (HTTP 401)") {
            try await $0.fault("any:status=401")
        },
        .init(.http, "crumb: connection dropped", exit: 1, "crumbIssuer/api/json: the connection") {
            try await $0.fault("crumb:drop")
        },
    ]

    static let all = policies + imports + environment + files + http

    @Test("there are at least 40 distinct hostile inputs")
    func enough() {
        #expect(Self.all.count >= 40)
        #expect(Set(Self.all.map(\.testDescription)).count == Self.all.count)
    }

    @Test("each hostile input gets its exit code and a clear message, and changes nothing", arguments: all)
    func hostile(input: HostileInput) async throws {
        let scenario = try await RotationScenario.make()
        let proxy = try await JenkinsProxy.start(
            upstream: scenario.simulator.baseURL, prefix: "/", httpClient: RotationScenario.probeHTTPClient)
        let world = BadInputWorld(scenario: scenario, proxy: proxy)
        try world.world.writePolicy(
            try world.policy().replacingOccurrences(
                of: scenario.simulator.baseURL.absoluteString, with: proxy.baseURL.absoluteString))
        let before = try scenario.world.databaseDump()
        let arguments = try await input.arrange(world)
        let result = await scenario.world.run(arguments)
        let output = result.stdout + result.stderr
        #expect(result.status == input.status, "\(output.prefix(600))")
        #expect(output.contains(input.message), "\(output.prefix(600))")
        #expect(!output.contains(BadInputWorld.pastedToken))
        try scenario.expectNoSecretLeaks([result])
        let after = try scenario.world.databaseDump()
        if input.area == .http {
            #expect(Self.section("tokens", of: after) == Self.section("tokens", of: before))
            // The old token was never revoked (a rotation left in progress may have delivered its successor).
            #expect(await scenario.jenkinsTokens(of: "alice").contains { $0.uuid == scenario.tokens[0].uuid })
        } else {
            #expect(after == before)
        }
        await proxy.stop()
        await scenario.stop()
    }

    /// The rows of one table in a ``TestWorld/databaseDump()``.
    static func section(_ table: String, of dump: String) -> String {
        let parts = dump.components(separatedBy: "# ")
        return parts.first { $0.hasPrefix(table + "\n") } ?? ""
    }
}

/// `<database>.lock`, where InventoryLock takes it (the database path here has no symbolic links).
enum InventoryLockPath {
    static func of(_ database: String) -> String { database + ".lock" }
}
