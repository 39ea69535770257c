import RotatorCore
import Testing

@Suite("Glob matching")
struct GlobTests {
    @Test(
        "matches like a shell pattern",
        arguments: [
            ("svc-*", "svc-build", true), ("svc-*", "svc-", true), ("svc-*", "svc", false),
            ("svc-*", "my-svc-build", false), ("*-bot", "deploy-bot", true), ("*", "", true), ("*", "anything", true),
            ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false), ("?", "a", true), ("?", "", false),
            ("?", "ab", false), ("svc-??", "svc-ab", true), ("svc-??", "svc-abc", false), ("[ab]x", "ax", true),
            ("[ab]x", "bx", true), ("[ab]x", "cx", false), ("[a-c]1", "b1", true), ("[a-c]1", "d1", false),
            ("[!a]x", "bx", true), ("[!a]x", "ax", false), ("alice", "alice", true), ("alice", "Alice", false),
            ("alice", "alice2", false), ("", "", true), ("", "a", false), ("[ab", "[ab", true), ("[ab", "a", false),
            ("ci.main", "ci.main", true), ("ci.main", "ciXmain", false), ("**", "x", true),
        ])
    func matches(pattern: String, text: String, expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
    }
}
