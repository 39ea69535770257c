import Crypto
import Foundation

/// Hashing, comparison and random values, done the way Jenkins does them.
enum TokenCrypto {
    /// The digest Jenkins stores for a presented token: SHA-256 of the 32 characters after the 2-character
    /// prefix for a 34-character token (the prefix is not checked), of the whole string otherwise.
    static func tokenDigest(_ presented: String) -> [UInt8] {
        let utf8 = Array(presented.utf8)
        let hashed = utf8.count == 34 && presented.count == 34 ? Array(utf8.dropFirst(2)) : utf8
        return Array(SHA256.hash(data: hashed))
    }

    /// SHA-256 of a UTF-8 string.
    static func sha256(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Array(text.utf8))) }

    /// Lowercase hex of some bytes.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two byte strings in time that depends only on their lengths.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// `count` random bytes from the system's cryptographically secure generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A new token value: `11` followed by 32 lowercase hex characters (128 random bits).
    static func newTokenValue() -> String { "11" + hex(randomBytes(16)) }

    /// A random (version 4) uuid, lowercase like Java's `UUID.toString()`.
    static func newUUID() -> String { UUID().uuidString.lowercased() }

    /// True for `11` + 32 hex characters (either case), the only shape `addFixedToken` accepts.
    static func isWellFormedTokenValue(_ value: String) -> Bool {
        let utf8 = Array(value.utf8)
        guard utf8.count == 34, utf8[0] == UInt8(ascii: "1"), utf8[1] == UInt8(ascii: "1") else { return false }
        return utf8.dropFirst(2).allSatisfy { byte in
            (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
        }
    }
}
