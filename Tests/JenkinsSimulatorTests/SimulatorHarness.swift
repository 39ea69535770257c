import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOCore
import NIOHTTP1
import Testing

/// One HTTP answer, read fully.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    func header(_ name: String) -> String? { headers.first(name: name) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

/// Credentials for HTTP Basic.
struct Credentials {
    var user: String
    var secret: String

    var header: String { "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString() }
}

/// A live simulator plus a tiny client with an optional cookie jar.
struct Harness {
    let simulator: JenkinsSimulator
    let client: HTTPClient

    static let alicePassword = "alice-pass"
    static let aliceToken = "11" + String(repeating: "a1", count: 16)
    static let aliceTokenUUID = "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"
    static let bobToken = "11" + String(repeating: "c3", count: 16)
    static let adminToken = "11" + String(repeating: "b2", count: 16)

    static var alice: Credentials { Credentials(user: "alice", secret: aliceToken) }
    static var alicePasswordLogin: Credentials { Credentials(user: "alice", secret: alicePassword) }
    static var admin: Credentials { Credentials(user: "admin", secret: adminToken) }
    static var bob: Credentials { Credentials(user: "bob", secret: "bob-pass") }
    static var bobWithToken: Credentials { Credentials(user: "bob", secret: bobToken) }

    static func defaultUsers() -> [SimulatedUser] {
        [
            SimulatedUser(
                id: "alice", password: alicePassword,
                tokens: [SimulatedToken(name: "ci", uuid: aliceTokenUUID, value: aliceToken)]),
            SimulatedUser(
                id: "admin", password: "admin-pass", admin: true,
                tokens: [SimulatedToken(name: "ops", value: adminToken)]),
            SimulatedUser(id: "bob", password: "bob-pass", tokens: [SimulatedToken(name: "b", value: bobToken)]),
            SimulatedUser(id: "reader-less", password: "nope-pass", read: false),
        ]
    }

    /// The default users, adjusted by `configure`.
    static func configuration(
        _ configure: (inout SimulatorConfiguration) throws -> Void = { _ in }
    ) rethrows -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(users: defaultUsers())
        try configure(&configuration)
        return configuration
    }

    /// Runs `body` against a fresh simulator on a free port, and stops it afterwards.
    static func with(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(users: defaultUsers()),
        _ body: (Harness) async throws -> Void
    ) async throws {
        let simulator = try await JenkinsSimulator.start(configuration)
        let harness = Harness(simulator: simulator, client: HTTPClient.shared)
        do {
            try await body(harness)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    var tokenMethods: String { "descriptorByName/jenkins.security.ApiTokenProperty" }

    /// Sends one request. `form` becomes an urlencoded body; `cookies` is a jar updated from `Set-Cookie`.
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, as credentials: Credentials? = nil, form: [(String, String)]? = nil,
        headers: [(String, String)] = [], jar: CookieJar? = nil, rawBody: String? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: simulator.baseURL.absoluteString + path)
        request.method = method
        if let credentials { request.headers.add(name: "Authorization", value: credentials.header) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let jar, let cookie = jar.header { request.headers.add(name: "Cookie", value: cookie) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: Harness.formEncode(form)))
        } else if let rawBody {
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        jar?.absorb(response.headers)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: buffer))
    }

    static func formEncode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return pairs.map { name, value in
            let encode = { (text: String) in
                (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text)
            }
            return "\(encode(name))=\(encode(value))"
        }.joined(separator: "&")
    }
}

/// The smallest cookie jar that does the job: name → value.
final class CookieJar: @unchecked Sendable {
    private(set) var cookies: [String: String] = [:]
    private(set) var lastSetCookie: String?

    var header: String? {
        cookies.isEmpty ? nil : cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
    }

    func absorb(_ headers: HTTPHeaders) {
        for line in headers["Set-Cookie"] {
            lastSetCookie = line
            guard let pair = line.split(separator: ";").first else { continue }
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { cookies[parts[0]] = parts[1] }
        }
    }
}
