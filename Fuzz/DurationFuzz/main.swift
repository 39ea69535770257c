// libFuzzer entry point for the text parsers of time: policy durations (`1d12h`), ISO 8601 instants (`--as-of`,
// import `created`) and `Retry-After`. Each either parses or says no; a parsed duration round-trips.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let span = TimeSpan(parsing: text) {
        precondition(span.seconds >= 0, "a negative duration from \(text)")
    }
    _ = Timestamp.parse(text)
    if let delay = RetryAfter.delay(text, now: Date(timeIntervalSince1970: 1_790_000_000)) {
        precondition(delay >= .zero && delay <= .seconds(86_400), "Retry-After out of range: \(delay)")
    }
    return 0
}
