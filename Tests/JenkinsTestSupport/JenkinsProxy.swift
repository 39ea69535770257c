import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A reverse proxy on 127.0.0.1 in front of a live jenkins-sim, for what the simulator itself cannot do (yet):
///
/// - serve it under a context path (`/jenkins/`), as a servlet container or front proxy would; anything
///   outside the context path answers 404, so a request built without it fails. The session cookie's `Path`
///   is rewritten to the context path, as Jenkins sets it there.
/// - answer chosen requests itself: a status with `Retry-After`, HTML where JSON belongs, truncated JSON, a
///   huge body, a wrong content type (jenkins-sim's faults answer an empty body only).
///
/// Every request still reaches the real simulator over HTTP unless a ``Injection`` answers it; the proxy
/// records each request's method, path and `User-Agent`.
public final class JenkinsProxy: Sendable {
    public struct Seen: Sendable, Equatable {
        public var method: String
        public var path: String
        public var userAgent: String?
    }

    /// An answer given instead of forwarding, to the next `remaining` requests whose path ends with `pathSuffix`.
    public struct Injection: Sendable {
        public var pathSuffix: String
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        public var remaining: Int

        public init(
            pathSuffix: String, status: Int, headers: [(String, String)] = [], body: [UInt8] = [], remaining: Int = 1
        ) {
            self.pathSuffix = pathSuffix
            self.status = status
            self.headers = headers
            self.body = body
            self.remaining = remaining
        }

        /// A status with a `Retry-After` header (none when nil) and an empty body.
        public init(pathSuffix: String, status: Int, retryAfter: String?, remaining: Int) {
            self.init(
                pathSuffix: pathSuffix, status: status, headers: retryAfter.map { [("Retry-After", $0)] } ?? [],
                remaining: remaining)
        }
    }

    public actor Book {
        public private(set) var seen: [Seen] = []
        var injections: [Injection] = []

        func record(_ request: Seen) { seen.append(request) }
        public func add(_ injection: Injection) { injections.append(injection) }

        func take(for path: String) -> Injection? {
            guard let index = injections.firstIndex(where: { path.hasSuffix($0.pathSuffix) && $0.remaining > 0 })
            else { return nil }
            injections[index].remaining -= 1
            return injections[index]
        }
    }

    public let book: Book
    /// The proxy's root URL, context path included (`http://127.0.0.1:PORT/jenkins/`).
    public let baseURL: URL
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>

    private init(book: Book, baseURL: URL, serviceGroup: ServiceGroup, runTask: Task<Void, any Error>) {
        self.book = book
        self.baseURL = baseURL
        self.serviceGroup = serviceGroup
        self.runTask = runTask
    }

    /// Starts a proxy in front of `upstream` (the simulator's root URL) serving it under `prefix`
    /// (`/jenkins/`, or `/` for none).
    public static func start(upstream: URL, prefix: String = "/jenkins/", httpClient: HTTPClient) async throws
        -> JenkinsProxy
    {
        let book = Book()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "jenkins-proxy")
        logger.logLevel = .critical
        let app = Application(
            responder: Responder(upstream: upstream, prefix: prefix, httpClient: httpClient, book: book),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task { try await serviceGroup.run() }
        var ports = stream.makeAsyncIterator()
        let port = await ports.next() ?? 0
        return JenkinsProxy(
            book: book, baseURL: URL(string: "http://127.0.0.1:\(port)\(prefix)")!, serviceGroup: serviceGroup,
            runTask: runTask)
    }

    public func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = try? await runTask.value
    }

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let upstream: URL
        let prefix: String
        let httpClient: HTTPClient
        let book: Book

        static let hopByHop: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]

        func respond(to request: Request, context: Context) async throws -> Response {
            let path = request.uri.path
            await book.record(
                Seen(method: request.method.rawValue, path: path, userAgent: request.headers[.userAgent]))
            if let injection = await book.take(for: path) {
                var headers = HTTPFields()
                for (name, value) in injection.headers {
                    if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
                }
                return Response(
                    status: .init(code: injection.status), headers: headers,
                    body: .init(byteBuffer: ByteBuffer(bytes: injection.body)))
            }
            guard path.hasPrefix(prefix) else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "not under \(prefix)")))
            }
            var target = upstream.absoluteString + path.dropFirst(prefix.count)
            if let query = request.uri.query { target += "?" + query }
            var forwarded = HTTPClientRequest(url: target)
            forwarded.method = HTTPMethod(rawValue: request.method.rawValue)
            for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
                forwarded.headers.add(name: field.name.rawName, value: field.value)
            }
            let body = try await request.body.collect(upTo: 1 << 20)
            if body.readableBytes > 0 || request.method == .post { forwarded.body = .bytes(body) }
            let answer = try await httpClient.execute(forwarded, timeout: .seconds(10))
            let answerBody = try await answer.body.collect(upTo: 16 << 20)
            var headers = HTTPFields()
            let contextPath = prefix == "/" ? "/" : String(prefix.dropLast())
            for (name, value) in answer.headers where !Self.hopByHop.contains(name.lowercased()) {
                guard let fieldName = HTTPField.Name(name) else { continue }
                let rewritten =
                    name.lowercased() == "set-cookie"
                    ? value.replacingOccurrences(of: "Path=/;", with: "Path=\(contextPath);")
                        .replacingOccurrences(of: "Path=/$", with: "Path=\(contextPath)", options: .regularExpression)
                    : value
                headers.append(HTTPField(name: fieldName, value: rewritten))
            }
            return Response(
                status: .init(code: Int(answer.status.code)), headers: headers,
                body: .init(byteBuffer: answerBody))
        }
    }
}
