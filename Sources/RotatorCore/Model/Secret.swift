import Crypto
import Foundation

/// A token value or password. It prints as `***` everywhere (string interpolation, `dump`, logs),
/// so the only way to read the value is to ask for it by name with ``reveal()``.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The plain value, for the few places that must send it: an HTTP Authorization header,
    /// a sink's file or stdin.
    public func reveal() -> String { value }

    /// SHA-256 over the whole value, first 12 lowercase hex digits: safe to store and print.
    public var fingerprint: String {
        let digest = SHA256.hash(data: Array(value.utf8))
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(12)
        for byte in digest.prefix(6) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "***" }
    public var debugDescription: String { "Secret(***)" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
