import HTTPTypes
import Hummingbird
import NIOCore

/// The responder of a simulator serving several controllers on one port: a request goes to the controller named by
/// its first path segment below the shared context path (`/c7/me/api/json` → `c7`), or by the segment after
/// `/_sim/` for the inspection API (`/_sim/c7/state`). Anything else is the container's 404, as Jetty answers for a
/// context that does not exist.
struct ControllerRouter: HTTPResponder {
    typealias Context = SimulatorRequestContext

    let controllers: [String: SimulatorResponder]
    /// The context path every controller lives under (`--prefix`), or empty.
    let contextPath: String

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let controller = controllerName(of: request.uri.path).flatMap({ controllers[$0] }) else {
            return Response(
                status: .notFound, headers: [.contentType: "text/html;charset=iso-8859-1"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body><h2>HTTP ERROR 404 Not Found</h2>")))
        }
        return try await controller.respond(to: request, context: context)
    }

    private func controllerName(of path: String) -> String? {
        var rest = Substring(path)
        if rest.hasPrefix("/_sim/") {
            rest = rest.dropFirst("/_sim".count)
        } else if !contextPath.isEmpty {
            guard rest.hasPrefix(contextPath + "/") else { return nil }
            rest = rest.dropFirst(contextPath.count)
        }
        return rest.split(separator: "/", maxSplits: 1).first.map(String.init)
    }
}
