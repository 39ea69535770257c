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
}
