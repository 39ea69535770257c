import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A reverse proxy on 127.0.0.1 that serves a live simulator under a context path (`/jenkins/`), as Jenkins
/// behind a servlet container or a front proxy with `--prefix` would be seen. jenkins-sim has no `--prefix` of
/// its own yet; this is the least fake stand-in: every request still reaches the real simulator over HTTP,
/// and anything outside the context path answers 404, so a request built without it fails.
///
/// It records each request's path and `User-Agent`, and can answer the next requests whose path ends with
/// a suffix with a status and `Retry-After` header instead of forwarding them (the simulator has no
/// `Retry-After` fault).
final class ContextPathProxy: Sendable {
    struct Seen: Sendable, Equatable {
        var method: String
        var path: String
        var userAgent: String?
    }

    struct Injection: Sendable {
        var pathSuffix: String
        var status: Int
        var retryAfter: String?
        var remaining: Int
    }

    actor Book {
        var seen: [Seen] = []
        var injections: [Injection] = []

        func record(_ request: Seen) { seen.append(request) }
        func add(_ injection: Injection) { injections.append(injection) }

        func take(for path: String) -> Injection? {
            guard let index = injections.firstIndex(where: { path.hasSuffix($0.pathSuffix) && $0.remaining > 0 })
            else { return nil }
            injections[index].remaining -= 1
            return injections[index]
        }
    }

    static let prefix = "/jenkins/"

    let book: Book
    let baseURL: URL
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>

    private init(book: Book, baseURL: URL, serviceGroup: ServiceGroup, runTask: Task<Void, any Error>) {
        self.book = book
        self.baseURL = baseURL
        self.serviceGroup = serviceGroup
        self.runTask = runTask
    }

    /// Starts a proxy in front of `upstream` (the simulator's root URL); its ``baseURL`` ends in `/jenkins/`.
    static func start(upstream: URL, httpClient: HTTPClient) async throws -> ContextPathProxy {
        let book = Book()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "context-path-proxy")
        logger.logLevel = .critical
        let app = Application(
            responder: Responder(upstream: upstream, httpClient: httpClient, book: book),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task { try await serviceGroup.run() }
        var ports = stream.makeAsyncIterator()
        let port = await ports.next() ?? 0
        return ContextPathProxy(
            book: book, baseURL: URL(string: "http://127.0.0.1:\(port)\(prefix)")!, serviceGroup: serviceGroup,
            runTask: runTask)
    }

    func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = try? await runTask.value
    }

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let upstream: URL
        let httpClient: HTTPClient
        let book: Book

        func respond(to request: Request, context: Context) async throws -> Response {
            let path = request.uri.path
            await book.record(
                Seen(method: request.method.rawValue, path: path, userAgent: request.headers[.userAgent]))
            if let injection = await book.take(for: path) {
                var headers = HTTPFields()
                if let retryAfter = injection.retryAfter { headers[.retryAfter] = retryAfter }
                return Response(status: .init(code: injection.status), headers: headers)
            }
            guard path.hasPrefix(ContextPathProxy.prefix) else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "not under /jenkins/")))
            }
            var target = upstream.absoluteString + path.dropFirst(ContextPathProxy.prefix.count)
            if let query = request.uri.query { target += "?" + query }
            var forwarded = HTTPClientRequest(url: target)
            forwarded.method = HTTPMethod(rawValue: request.method.rawValue)
            let hopByHop: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]
            for field in request.headers where !hopByHop.contains(field.name.canonicalName) {
                forwarded.headers.add(name: field.name.rawName, value: field.value)
            }
            let body = try await request.body.collect(upTo: 1 << 20)
            if body.readableBytes > 0 || request.method == .post { forwarded.body = .bytes(body) }
            let answer = try await httpClient.execute(forwarded, timeout: .seconds(10))
            let answerBody = try await answer.body.collect(upTo: 16 << 20)
            var headers = HTTPFields()
            for (name, value) in answer.headers where !hopByHop.contains(name.lowercased()) {
                guard let fieldName = HTTPField.Name(name) else { continue }
                // A servlet container scopes the session cookie to its context path.
                let rewritten =
                    name.lowercased() == "set-cookie"
                    ? value.replacingOccurrences(of: "Path=/;", with: "Path=/jenkins;")
                        .replacingOccurrences(of: "Path=/$", with: "Path=/jenkins", options: .regularExpression)
                    : value
                headers.append(HTTPField(name: fieldName, value: rewritten))
            }
            return Response(
                status: .init(code: Int(answer.status.code)), headers: headers,
                body: .init(byteBuffer: answerBody))
        }
    }
}
