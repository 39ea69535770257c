// libFuzzer entry point for the JSON wire formats (crumb, whoAmI, generate) and the URL encoding of path segments
// and form fields: decoding never crashes, and encoding never lets a reserved character through.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let decoder = JSONDecoder()
    _ = try? decoder.decode(CrumbResponse.self, from: bytes)
    _ = try? decoder.decode(WhoAmIResponse.self, from: bytes)
    _ = try? decoder.decode(GenerateTokenResponse.self, from: bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    for encoded in [URLEncoding.pathSegment(text), URLEncoding.escape(text), URLEncoding.form([(text, text)])] {
        precondition(
            !encoded.contains("/") && !encoded.contains("?") && !encoded.contains("#"), "unescaped: \(encoded)")
        precondition(encoded.utf8.allSatisfy { $0 < 0x80 }, "non-ASCII left in \(encoded)")
    }
    return 0
}
