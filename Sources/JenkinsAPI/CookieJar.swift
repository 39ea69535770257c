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
            let path = Self.pathAttribute(header) ?? Self.defaultPath(for: requestPath)
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

    /// The value of the last `Path` attribute when it is a `/` path, else nil for the default path (RFC 6265
    /// §5.2.4, §5.3 step 7). Read here from the bytes because async-http-client's parser says `/` for a header
    /// without one.
    static func pathAttribute(_ header: String) -> String? {
        var path: String?
        for attribute in header.utf8.split(separator: UInt8(ascii: ";")).dropFirst() {
            guard let equals = attribute.firstIndex(of: UInt8(ascii: "=")),
                String(decoding: trimmingSpaces(attribute[..<equals]), as: UTF8.self).lowercased() == "path"
            else { continue }
            let value = trimmingSpaces(attribute[attribute.index(after: equals)...])
            path = value.first == UInt8(ascii: "/") ? String(decoding: value, as: UTF8.self) : nil
        }
        return path
    }

    private static func trimmingSpaces(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }
}
