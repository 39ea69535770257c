import Testing

@testable import RotatorCore

@Suite("Secret")
struct SecretTests {
    /// The inventory compares stored fingerprints across versions: the encoding must stay SHA-256, first 12
    /// lowercase hex digits (values computed with Python's hashlib).
    @Test(
        "the fingerprint is the first 12 hex digits of SHA-256 over the UTF-8 value",
        arguments: [("abc", "ba7816bf8f01"), ("11aé", "be964c9727fb")])
    func fingerprint(value: String, expected: String) {
        #expect(Secret(value).fingerprint == expected)
    }

    @Test("the value never shows in descriptions")
    func redacted() {
        let secret = Secret("11abcdef")
        #expect("\(secret)" == "***")
        #expect(String(reflecting: secret) == "Secret(***)")
    }
}
