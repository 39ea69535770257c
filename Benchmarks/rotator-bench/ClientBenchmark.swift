import AsyncHTTPClient
import Foundation
import JenkinsAPI
import JenkinsSimulator
import Logging
import NIOCore
import NIOHTTP1
import RotatorCore

/// `rotator-bench client`: generate+revoke pairs through ``JenkinsClient`` with token authentication
/// against an in-process simulator (latency 0), or with `--raw` through a minimal direct HTTP path, to
/// show how much of the time is the simulator's own.
enum ClientBenchmark {
    struct Options {
        var pairs = 2000
        var concurrency = 8
        var raw = false
    }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--pairs":
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else { return nil }
                options.pairs = value
            case "--concurrency":
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else { return nil }
                options.concurrency = value
            case "--raw":
                options.raw = true
            default:
                return nil
            }
        }
        return options
    }

    static let user = "bench"
    static let seedToken = "11" + String(repeating: "0123456789abcdef", count: 2)

    static func run(arguments: [String]) async -> Int32 {
        guard let options = parse(arguments) else {
            FileHandle.standardError.write(Data("usage: rotator-bench client --pairs N --concurrency C [--raw]\n".utf8))
            return 2
        }
        do {
            let simulator = try await JenkinsSimulator.start(
                SimulatorConfiguration(
                    users: [
                        SimulatedUser(
                            id: user, password: "bench-pass", tokens: [SimulatedToken(name: "seed", value: seedToken)])
                    ],
                    latency: .zero))
            let httpClient = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: JenkinsClient.recommendedHTTPClientConfiguration())
            let credential = JenkinsCredential(user: user, secret: Secret(seedToken), kind: .apiToken)
            let pair: @Sendable () async throws -> Void
            if options.raw {
                let raw = RawPath(httpClient: httpClient, baseURL: simulator.baseURL, credential: credential)
                pair = { try await raw.pair() }
            } else {
                let client = JenkinsClient(
                    configuration: JenkinsClientConfiguration(
                        controller: "bench", baseURL: simulator.baseURL, timeout: .seconds(30),
                        concurrency: options.concurrency, retry: .none),
                    httpClient: httpClient, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
                pair = {
                    let minted = try await client.generateToken(
                        forUser: user, name: "bench", expirationDays: nil, as: credential)
                    try await client.revokeToken(user: user, uuid: minted.uuid, as: credential)
                }
            }
            // Warm up connections and code paths.
            try await runPairs(min(200, options.pairs), concurrency: options.concurrency, pair: pair)
            let started = ContinuousClock.now
            try await runPairs(options.pairs, concurrency: options.concurrency, pair: pair)
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let mode = options.raw ? "raw HTTP path" : "JenkinsClient"
            print(
                "client bench (\(mode), token auth): \(options.pairs) generate+revoke pairs, "
                    + "concurrency \(options.concurrency): \(String(format: "%.3f", seconds)) s, "
                    + "\(String(format: "%.0f", Double(options.pairs) / seconds)) pairs/s")
            try await httpClient.shutdown()
            await simulator.stop()
            return 0
        } catch {
            FileHandle.standardError.write(Data("rotator-bench client failed: \(error)\n".utf8))
            return 1
        }
    }

    /// `count` pairs shared by `concurrency` workers.
    static func runPairs(_ count: Int, concurrency: Int, pair: @escaping @Sendable () async throws -> Void)
        async throws
    {
        let perWorker = count / concurrency
        let extra = count % concurrency
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                let share = perWorker + (worker < extra ? 1 : 0)
                group.addTask {
                    for _ in 0..<share { try await pair() }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// The least work one pair can take over HTTP: prebuilt requests, a substring search instead of JSON.
struct RawPath: Sendable {
    let httpClient: HTTPClient
    let generate: HTTPClientRequest
    let revokeURL: String
    let authorization: String

    init(httpClient: HTTPClient, baseURL: URL, credential: JenkinsCredential) {
        self.httpClient = httpClient
        var root = baseURL.absoluteString
        if !root.hasSuffix("/") { root += "/" }
        let methods = root + "user/\(credential.user)/descriptorByName/jenkins.security.ApiTokenProperty/"
        authorization = "Basic " + Data("\(credential.user):\(credential.secret.reveal())".utf8).base64EncodedString()
        var generate = HTTPClientRequest(url: methods + "generateNewToken")
        generate.method = .POST
        generate.headers.add(name: "Authorization", value: authorization)
        generate.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        generate.body = .bytes(ByteBuffer(string: "newTokenName=bench"))
        self.generate = generate
        revokeURL = methods + "revoke"
    }

    func pair() async throws {
        let response = try await httpClient.execute(generate, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
        guard response.status == .ok, let marker = body.range(of: "\"tokenUuid\":\"") else {
            throw RawPathError.unexpected(Int(response.status.code))
        }
        let uuid = body[marker.upperBound...].prefix(36)
        var revoke = HTTPClientRequest(url: revokeURL)
        revoke.method = .POST
        revoke.headers.add(name: "Authorization", value: authorization)
        revoke.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        revoke.body = .bytes(ByteBuffer(string: "tokenUuid=\(uuid)"))
        let revoked = try await httpClient.execute(revoke, timeout: .seconds(30))
        _ = try await revoked.body.collect(upTo: 1 << 16)
        guard revoked.status == .ok else { throw RawPathError.unexpected(Int(revoked.status.code)) }
    }
}

enum RawPathError: Error {
    case unexpected(Int)
}
