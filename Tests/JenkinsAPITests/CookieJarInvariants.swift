import Foundation

@testable import JenkinsAPI

/// What the cookie jar must hold to whatever `Set-Cookie` headers arrive. Shared by the `cookie` fuzz target
/// (scripts/fuzz.sh compiles this file into it) and the replay of that target's corpus in `CookieJarTests`.
enum CookieJarInvariants {
    /// `text` is a request path on its first line and one `Set-Cookie` header per further line. Stores them, then
    /// asks for the `Cookie` header of three paths: it may name only cookies that are in the jar, unexpired, whose
    /// path matches; the default path is a `/` path. Returns what was violated.
    static func violations(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestPath = lines.isEmpty ? "/" : lines.removeFirst()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        var jar = CookieJar()
        jar.store(setCookieHeaders: lines, requestPath: requestPath, now: now)
        var violations: [String] = []
        let defaultPath = CookieJar.defaultPath(for: requestPath)
        if !defaultPath.hasPrefix("/") { violations.append("default path \(defaultPath) for \(requestPath)") }
        for path in [requestPath, "/", defaultPath] {
            guard let header = jar.header(forPath: path, now: now) else { continue }
            for pair in cookiePairs(header) {
                guard let sent = jar.cookies.values.first(where: { "\($0.name)=\($0.value)" == pair }) else {
                    violations.append("\(pair) is not in the jar")
                    continue
                }
                if !CookieJar.pathMatches(requestPath: path, cookiePath: sent.path) {
                    violations.append("\(pair) sent to \(path)")
                }
                if let expires = sent.expires, expires <= now { violations.append("\(pair) has expired") }
            }
        }
        return violations
    }

    /// The `name=value` pairs of a `Cookie` header, split at the bytes `; ` (not by `Character`: a combining mark
    /// after the space would hide the separator).
    static func cookiePairs(_ header: String) -> [String] {
        let bytes = Array(header.utf8)
        var pairs: [String] = []
        var start = 0
        for index in bytes.indices.dropLast()
        where bytes[index] == UInt8(ascii: ";") && bytes[index + 1] == UInt8(ascii: " ") {
            pairs.append(String(decoding: bytes[start..<index], as: UTF8.self))
            start = index + 2
        }
        pairs.append(String(decoding: bytes[start...], as: UTF8.self))
        return pairs
    }
}
