import AsyncHTTPClient
import Foundation

/// The cookies of one Jenkins session, keyed by name (Jenkins names its session cookie
/// `JSESSIONID.<8 hex>`, chosen at every start, so nothing here knows that name).
/// Honours `Path`, `Expires` and `Max-Age`; a jar belongs to one controller, so domains are not tracked.
struct CookieJar: Sendable {
    struct Cookie: Sendable, Equatable {
        var name: String
        var value: String
        var path: String
        var expires: Date?
    }

    private(set) var cookies: [String: Cookie] = [:]

    /// Takes in the `Set-Cookie` headers of a response to a request for `requestPath`.
    mutating func store(setCookieHeaders headers: [String], requestPath: String, now: Date) {
        for header in headers {
            guard let parsed = HTTPClient.Cookie(header: header, defaultDomain: "") else { continue }
            var expires: Date?
            if let maxAge = parsed.maxAge {
                expires = now.addingTimeInterval(TimeInterval(maxAge))
            } else if let date = parsed.expires {
                expires = date
            }
            if let expires, expires <= now {
                cookies[parsed.name] = nil
                continue
            }
            let path = Self.hasExplicitPath(header) ? parsed.path : Self.defaultPath(for: requestPath)
            cookies[parsed.name] = Cookie(name: parsed.name, value: parsed.value, path: path, expires: expires)
        }
    }

    /// The `Cookie` header value for a request to `path`, nil when no cookie applies.
    mutating func header(forPath path: String, now: Date) -> String? {
        cookies = cookies.filter { $0.value.expires.map { $0 > now } ?? true }
        let matching = cookies.values
            .filter { Self.pathMatches(requestPath: path, cookiePath: $0.path) }
            .sorted { ($0.path.count, $1.name) > ($1.path.count, $0.name) }
        guard !matching.isEmpty else { return nil }
        return matching.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    mutating func removeAll() {
        cookies.removeAll()
    }

    var isEmpty: Bool { cookies.isEmpty }

    /// RFC 6265 §5.1.4 path-match.
    static func pathMatches(requestPath: String, cookiePath: String) -> Bool {
        if requestPath == cookiePath { return true }
        guard requestPath.hasPrefix(cookiePath) else { return false }
        return cookiePath.hasSuffix("/") || requestPath.dropFirst(cookiePath.count).first == "/"
    }

    /// RFC 6265 §5.1.4 default-path: the request path up to, not including, its last `/`.
    static func defaultPath(for requestPath: String) -> String {
        guard requestPath.hasPrefix("/"), let slash = requestPath.lastIndex(of: "/"),
            slash != requestPath.startIndex
        else { return "/" }
        return String(requestPath[..<slash])
    }

    private static func hasExplicitPath(_ header: String) -> Bool {
        header.split(separator: ";").dropFirst().contains { attribute in
            let name = attribute.split(separator: "=", maxSplits: 1).first ?? ""
            return name.trimmingCharacters(in: .whitespaces).lowercased() == "path"
                && attribute.contains("=/")
        }
    }
}
