import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Turns Hummingbird requests into ``SimulatedRequest``s, runs them through ``SimulatorState``,
/// and carries out what the outcome asks: latency, slow answers, held requests and dropped connections.
struct SimulatorResponder: HTTPResponder {
    typealias Context = SimulatorRequestContext

    let state: SimulatorState
    let latency: Duration
    let crumbField: HTTPField.Name
    let scheme: String
    /// The servlet context path, e.g. `/jenkins`, or empty.
    let contextPath: String
    /// Where this controller's `/_sim/` API lives: `/_sim`, or `/_sim/<name>` for one of several controllers.
    var simulatorAPIPath = "/_sim"

    /// Largest request body read (urlencoded forms, `/_sim/` JSON).
    static let maxBody = 1 << 20

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let simulated = try await simulate(&request)
        if latency > .zero && !simulated.isSimulatorAPI {
            // A timer of the connection's own event loop: no dispatch timer thread to wake for each request.
            try await context.channel.eventLoop.scheduleTask(in: TimeAmount(latency)) {}.futureResult.get()
        }
        var outcome = await state.process(simulated)
        if outcome.hold == .beforeCommit {
            if outcome.delay > .zero { try await Task.sleep(for: outcome.delay) }
            guard await state.hold() == .proceed else { return try await drop(context) }
            outcome = await state.process(simulated, applyFaults: false)
        } else if outcome.delay > .zero {
            try await Task.sleep(for: outcome.delay)
        }
        if outcome.hold == .afterCommit, await state.hold() == .drop {
            return try await drop(context)
        }
        guard let response = outcome.response else { return try await drop(context) }
        return Self.render(response, head: request.method == .head)
    }

    private func drop(_ context: Context) async throws -> Response {
        try? await context.channel.close()
        // Nothing can be written on a closed channel; this error only ends the handler.
        throw CancellationError()
    }

    private func simulate(_ request: inout Request) async throws -> SimulatedRequest {
        let path = request.uri.path
        let query = request.uri.query
        var parameters = Self.decodeForm(query ?? "")
        var body: [UInt8] = []
        if request.method == .post || request.method == .put || request.method == .delete {
            let buffer = try await request.collectBody(upTo: Self.maxBody)
            body = Array(buffer.readableBytesView)
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            if contentType.hasPrefix("application/x-www-form-urlencoded") {
                parameters += Self.decodeForm(String(decoding: body, as: UTF8.self))
            }
        }
        var cookies: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                if cookies[name] == nil { cookies[name] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        let isSimulatorAPI = path == simulatorAPIPath || path.hasPrefix(simulatorAPIPath + "/")
        var relative = Substring(path)
        var outsideContext = false
        if isSimulatorAPI {
            relative = "/_sim" + relative.dropFirst(simulatorAPIPath.count)
        } else if !contextPath.isEmpty {
            if path == contextPath || path.hasPrefix(contextPath + "/") {
                relative = relative.dropFirst(contextPath.count)
            } else {
                outsideContext = true
            }
        }
        let segments = relative.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        return SimulatedRequest(
            method: request.method.rawValue,
            path: path,
            segments: segments,
            contextPath: contextPath,
            isSimulatorAPI: isSimulatorAPI,
            outsideContext: outsideContext,
            query: query,
            host: request.head.authority ?? "127.0.0.1",
            scheme: scheme,
            authorization: request.headers[.authorization],
            cookies: cookies,
            crumbHeader: request.headers[crumbField],
            requestedWith: request.headers[HTTPField.Name("X-Requested-With")!],
            parameters: parameters,
            body: body)
    }

    /// Decodes `application/x-www-form-urlencoded` text (also used for query strings, as servlets do).
    static func decodeForm(_ text: String) -> [(name: String, value: String)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first, !rawName.isEmpty else { return nil }
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(rawName), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func render(_ response: SimulatedResponse, head: Bool) -> Response {
        var fields = HTTPFields()
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        let status = HTTPResponse.Status(code: response.status)
        if head {
            fields[.contentLength] = String(response.body.count)
            return Response(status: status, headers: fields)
        }
        return Response(
            status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
