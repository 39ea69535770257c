// libFuzzer entry point for the session cookie jar: async-http-client's `Set-Cookie` parser (compiled in from
// its checkout) under our `CookieJar` (paths, Expires, Max-Age), with the checks of `CookieJarInvariants`
// (Tests/JenkinsAPITests, compiled in too).
import Foundation

/// async-http-client's namespace, for its cookie file compiled alone.
enum HTTPClient {}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let violations = CookieJarInvariants.violations(text)
    precondition(violations.isEmpty, violations.joined(separator: "; "))
    return 0
}
