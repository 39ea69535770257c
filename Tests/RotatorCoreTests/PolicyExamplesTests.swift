import Foundation
import RotatorCore
import Testing

@Suite("examples/: every shipped policy loads")
struct PolicyExamplesTests {
    static let examplesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    static let exampleFiles: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: examplesFolder.path)) ?? [])
        .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
        .sorted()

    @Test("the examples the docs promise are there")
    func expectedExamplesExist() {
        for name in [
            "admin-password.yml", "admin-token.yml", "self-mode.yml", "multi-controller.yml", "command-sink.yml",
        ] {
            #expect(Self.exampleFiles.contains(name), "examples/\(name) is missing")
        }
    }

    @Test("example loads without errors", arguments: PolicyExamplesTests.exampleFiles)
    func loads(file: String) throws {
        let policy = try PolicyLoader.load(path: Self.examplesFolder.appendingPathComponent(file).path)
        #expect(!policy.controllers.isEmpty)
    }

    @Test("the complete example in docs/policy.md loads")
    func docsExampleLoads() throws {
        let docs = Self.examplesFolder.deletingLastPathComponent().appendingPathComponent("docs/policy.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "```yaml\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let policy = try PolicyLoader.parse(String(text[start.upperBound..<end.lowerBound]), source: "docs/policy.md")
        #expect(policy.rules.count == 2)
    }
}
