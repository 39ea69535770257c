import Foundation
import RotatorCore
import Testing

/// A fresh folder under the system temporary directory, removed by ``remove()``.
struct PolicyTemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("policy-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

@Suite("PolicyLoader.load: reading the file")
struct PolicyFileTests {
    @Test("a policy file loads and names itself as the source")
    func loadsFile() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("policy.yml", PolicyLoaderTests.specExample)
        let policy = try PolicyLoader.load(path: path)
        #expect(policy.source == path)
        #expect(policy.controllers.count == 1)
    }

    @Test("errors from a file carry its path")
    func errorCarriesPath() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("bad.yml", "version: 1\ncontrollers:\n  ci: { url: \"https://x/\", mode: slef }\n")
        let error = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: path) }
        #expect(error.description.hasPrefix("\(path):3: controllers.ci.mode: \"slef\" is not one of admin, self"))
    }

    @Test("a missing file is a PolicyError without a line")
    func missingFile() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("nope.yml").path
        let error = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: path) }
        #expect(error.line == nil)
        #expect(error.description.hasPrefix("\(path): no policy file here; "))
    }

    @Test("a folder is not a policy")
    func folderIsNotAPolicy() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let error = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: folder.url.path) }
        #expect(error.problem == "is a folder, not a policy file")
    }

    @Test("a file that is not UTF-8 is refused")
    func notUTF8() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("latin1.yml").path
        try Data([0x76, 0x65, 0x72, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: path) }
        #expect(error.problem == "is not UTF-8 text")
    }

    @Test("an unreadable file is a PolicyError", .enabled(if: getuid() != 0, "root reads every file"))
    func unreadableFile() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("locked.yml", "version: 1\n", mode: 0o000)
        let error = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: path) }
        #expect(error.problem == "cannot be read")
    }
}
