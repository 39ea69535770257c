import Foundation
import Hummingbird
import Locking
import Logging
import ServiceLifecycle

/// A tiny HTTP server on a loopback port that records what webhooks POST to `/hook` and answers 204.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var authorization: String?
        var contentType: String?
        var body: String
    }

    let port: Int
    private let received: Recorder
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    var requests: [Received] { received.all }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    private init(port: Int, received: Recorder, group: ServiceGroup, task: Task<Void, Never>) {
        self.port = port
        self.received = received
        self.group = group
        self.task = task
    }

    static func start() async throws -> WebhookReceiver {
        let recorder = Recorder()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            recorder.append(
                Received(
                    authorization: request.headers[.authorization], contentType: request.headers[.contentType],
                    body: String(buffer: body)))
            return .noContent
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
            logger: Logger(label: "webhook-receiver"))
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "webhook")))
        let task = Task { _ = try? await group.run() }
        var iterator = stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return WebhookReceiver(port: port, received: recorder, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }

    private final class Recorder: Sendable {
        private let requests = LockedValue<[Received]>([])

        var all: [Received] { requests.withLock { $0 } }

        func append(_ request: Received) { requests.withLock { $0.append(request) } }
    }
}
