import Foundation
import RotatorCore
import Testing

@Suite("SecretResolver: secrets come from the environment or files, never the policy")
struct PolicySecretResolverTests {
    @Test("an environment variable resolves to its value")
    func environmentVariable() throws {
        let secret = try SecretResolver.resolve(.environment("JT"), environment: ["JT": "11aa22bb"])
        #expect(secret.reveal() == "11aa22bb")
        #expect(SecretResolver.permissionWarning(for: .environment("JT")) == nil)
    }

    @Test(
        "a missing or empty variable is an error that names it",
        arguments: [
            ([String: String](), SecretResolutionError.variableMissing("JT")),
            (["JT": ""], SecretResolutionError.variableEmpty("JT")),
        ])
    func badVariable(environment: [String: String], expected: SecretResolutionError) throws {
        let error = try #require(throws: SecretResolutionError.self) {
            try SecretResolver.resolve(.environment("JT"), environment: environment)
        }
        #expect(error == expected)
        #expect(error.description.contains("JT"))
    }

    @Test(
        "a file resolves to its contents without trailing whitespace",
        arguments: ["s3cret\n", "s3cret", "s3cret \r\n\n", "s3cret\t"])
    func file(contents: String) throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("token", contents)
        #expect(try SecretResolver.resolve(.file(path), environment: [:]).reveal() == "s3cret")
        #expect(SecretResolver.permissionWarning(for: .file(path)) == nil)
    }

    @Test("an empty or whitespace-only file is an error that names it, not its value")
    func emptyFile() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("token", " \n\n")
        let error = try #require(throws: SecretResolutionError.self) {
            try SecretResolver.resolve(.file(path), environment: [:])
        }
        #expect(error == .fileEmpty(path))
        #expect(error.description.contains(path))
    }

    @Test("a missing file is an error that names it")
    func missingFile() throws {
        let error = try #require(throws: SecretResolutionError.self) {
            try SecretResolver.resolve(.file("/nonexistent/token-rotator/secret"), environment: [:])
        }
        #expect(error == .fileMissing("/nonexistent/token-rotator/secret"))
    }

    @Test("a folder is not a secret file")
    func folder() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let error = try #require(throws: SecretResolutionError.self) {
            try SecretResolver.resolve(.file(folder.url.path), environment: [:])
        }
        #expect(error == .fileUnreadable(folder.url.path, reason: "it is a folder, not a regular file"))
    }

    @Test(
        "a group- or world-readable secret file earns a warning",
        arguments: [(0o640, "its group"), (0o644, "everyone"), (0o604, "everyone")])
    func looseMode(mode: Int, who: String) throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("token", "value-not-shown\n", mode: mode)
        let warning = try #require(SecretResolver.permissionWarning(for: .file(path)))
        #expect(warning.contains("readable by \(who)"))
        #expect(warning.contains("chmod 600 \(path)"))
        #expect(!warning.contains("value-not-shown"))
    }

    @Test("secret resolution errors are one line")
    func errorsNeverHoldValues() {
        let errors: [SecretResolutionError] = [
            .variableMissing("A"), .variableEmpty("A"), .fileMissing("/p"), .fileUnreadable("/p", reason: "r"),
            .fileEmpty("/p"),
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(!error.description.contains("\n"))
        }
    }
}
