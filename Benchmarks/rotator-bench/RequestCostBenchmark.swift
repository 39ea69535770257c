import AsyncHTTPClient
import Foundation
import JenkinsAPI
import Logging
import NIOCore
import NIOHTTP1
import RotatorCore

/// `rotator-bench requests`: the CPU this process spends per `GET /whoAmI/api/json` with token authentication,
/// against a Jenkins (or jenkins-sim) running elsewhere, so that the server's CPU is not counted. `--path`
/// compares ``JenkinsClient`` with bare async-http-client calls (its async API, and its future-based API).
enum RequestCostBenchmark {
    enum Path: String {
        case client, async, future
    }

    static func run(arguments: [String]) async -> Int32 {
        var url: URL?
        var user = ""
        var tokenFile = ""
        var count = 4000
        var concurrency = 8
        var path = Path.client
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch (argument, rest.popFirst()) {
            case ("--url", let value?): url = URL(string: value)
            case ("--user", let value?): user = value
            case ("--token-file", let value?): tokenFile = value
            case ("--count", let value?) where Int(value).map { $0 > 0 } == true: count = Int(value)!
            case ("--concurrency", let value?) where Int(value).map { $0 > 0 } == true: concurrency = Int(value)!
            case ("--path", let value?) where Path(rawValue: value) != nil: path = Path(rawValue: value)!
            default: url = nil
            }
        }
        guard let url, !user.isEmpty, let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
            FileHandle.standardError.write(
                Data(
                    ("usage: rotator-bench requests --url URL --user USER --token-file FILE [--count N] "
                        + "[--concurrency C] [--path client|async|future]\n").utf8))
            return 2
        }
        let credential = JenkinsCredential(
            user: user, secret: Secret(token.trimmingCharacters(in: .whitespacesAndNewlines)), kind: .apiToken)
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: JenkinsClient.recommendedHTTPClientConfiguration())
        do {
            defer { Task { try? await httpClient.shutdown() } }
            let request: @Sendable () async throws -> Void
            let whoAmI = url.absoluteString.hasSuffix("/") ? "whoAmI/api/json" : "/whoAmI/api/json"
            let authorization = "Basic " + Data("\(user):\(credential.secret.reveal())".utf8).base64EncodedString()
            switch path {
            case .client:
                let client = JenkinsClient(
                    configuration: JenkinsClientConfiguration(
                        controller: "bench", baseURL: url, concurrency: concurrency, retry: .none),
                    httpClient: httpClient, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
                request = { _ = try await client.whoAmI(credential) }
            case .async:
                var http = HTTPClientRequest(url: url.absoluteString + whoAmI)
                http.headers.add(name: "Authorization", value: authorization)
                let prepared = http
                request = {
                    let response = try await httpClient.execute(prepared, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                }
            case .future:
                let prepared = try HTTPClient.Request(
                    url: url.absoluteString + whoAmI, headers: ["Authorization": authorization])
                request = { _ = try await httpClient.execute(request: prepared).get() }
            }
            try await ClientBenchmark.runPairs(min(400, count), concurrency: concurrency, pair: request)
            let cpuBefore = JournalBenchmark.cpuSeconds()
            let started = ContinuousClock.now
            try await ClientBenchmark.runPairs(count, concurrency: concurrency, pair: request)
            let elapsed = ContinuousClock.now - started
            let cpu = JournalBenchmark.cpuSeconds() - cpuBefore
            let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "requests bench (\(path.rawValue)): \(count) whoAmI, concurrency \(concurrency): "
                    + String(
                        format: "wall %.3f s, CPU %.3f s = %.0f us per request", wall, cpu, cpu / Double(count) * 1e6))
            return 0
        } catch {
            FileHandle.standardError.write(Data("rotator-bench requests failed: \(error)\n".utf8))
            return 1
        }
    }
}
