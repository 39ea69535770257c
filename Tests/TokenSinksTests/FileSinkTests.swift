import Foundation
import Locking
import RotatorCore
import RotatorTestSupport
import Testing
import TokenSinks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("File sink")
struct FileSinkTests {
    static let value = "11aa22bb33cc44dd55ee66ff77889900"

    @Test("raw format writes the value and a newline")
    func rawFormat() async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.token"
            try await FileSink(path: path, format: .raw).deliver(sampleDelivery())
            #expect(try contents(path) == Self.value + "\n")
        }
    }

    @Test("env format writes JENKINS_URL, JENKINS_USER and JENKINS_TOKEN lines")
    func envFormat() async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.env"
            try await FileSink(path: path, format: .env).deliver(sampleDelivery())
            let expected = """
                JENKINS_URL=https://jenkins.example.com/
                JENKINS_USER=alice
                JENKINS_TOKEN=\(Self.value)

                """
            #expect(try contents(path) == expected)
        }
    }

    @Test("json format writes controller, url, user, name, uuid, token and created")
    func jsonFormat() async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.json"
            try await FileSink(path: path, format: .json).deliver(sampleDelivery())
            let text = try contents(path)
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
            #expect(
                object == [
                    "controller": "ci-main", "url": "https://jenkins.example.com/", "user": "alice", "name": "ci",
                    "uuid": "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", "token": Self.value,
                    "created": "2026-01-05T00:00:00Z",
                ])
            #expect(!text.contains("\\/"), "slashes are not escaped")
            #expect(text.hasSuffix("}\n"))
        }
    }

    @Test("the file is mode 0600, even when it replaces a more open file")
    func fileMode() async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.token"
            try writeFile(path, "old\n")
            #expect(chmod(path, 0o644) == 0)
            try await FileSink(path: path).deliver(sampleDelivery())
            #expect(try permissions(path) == 0o600)
        }
    }

    @Test("missing parent folders are created 0700; existing ones keep their mode")
    func parentFolders() async throws {
        try await withTemporaryFolder { folder in
            let existing = folder + "/existing"
            #expect(mkdir(existing, 0o755) == 0)
            #expect(chmod(existing, 0o755) == 0)
            let path = existing + "/ci-main/alice/ci.token"
            try await FileSink(path: path).deliver(sampleDelivery())
            #expect(try permissions(existing) == 0o755)
            #expect(try permissions(existing + "/ci-main") == 0o700)
            #expect(try permissions(existing + "/ci-main/alice") == 0o700)
            #expect(try contents(path) == Self.value + "\n")
        }
    }

    /// Several rotators sharing one inventory deliver into sibling files at once, and each may find the shared
    /// parent missing: a folder another one created in between is a folder, not "exists but is not a folder".
    @Test("deliveries that create the same missing parent folder at once all succeed")
    func concurrentParentCreation() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failures = LockedValue<[String]>([])
        for round in 0..<300 {
            let parent = folder + "/round\(round)/a/b/c/d/e/f/g/h"
            // Threads, not tasks: the race needs deliveries really running at the same instant.
            DispatchQueue.concurrentPerform(iterations: 6) { user in
                do {
                    try AtomicFileWriter.replaceContents(
                        of: parent + "/user\(user)/ci.token", with: Array("value\n".utf8))
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
    }

    @Test("a new value replaces the old one and leaves no temporary file")
    func replaces() async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.token"
            try await FileSink(path: path).deliver(sampleDelivery(value: "first"))
            try await FileSink(path: path).deliver(sampleDelivery(value: "second"))
            #expect(try contents(path) == "second\n")
            #expect(try entries(folder) == ["ci.token"])
        }
    }

    @Test(
        "a write that fails at any step keeps the old content and removes its temporary file",
        arguments: [AtomicFileWriter.Step.write, .sync, .rename])
    func failedWriteKeepsOldContent(step: AtomicFileWriter.Step) async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.token"
            try await FileSink(path: path).deliver(sampleDelivery(value: "old-value"))
            #expect(throws: SinkError.self) {
                try AtomicFileWriter.replaceContents(of: path, with: Array("new-value\n".utf8), failingAt: step)
            }
            #expect(try contents(path) == "old-value\n")
            #expect(try entries(folder) == ["ci.token"])
        }
    }

    @Test(
        "a read-only folder fails the delivery and keeps the old content",
        .disabled(if: getuid() == 0, "root writes into read-only folders"))
    func readOnlyFolder() async throws {
        try await withTemporaryFolder { folder in
            let tokens = folder + "/tokens"
            let path = tokens + "/ci.token"
            try await FileSink(path: path).deliver(sampleDelivery(value: "old-value"))
            #expect(chmod(tokens, 0o500) == 0)
            defer { chmod(tokens, 0o700) }
            let error = await #expect(throws: SinkError.self) {
                try await FileSink(path: path).deliver(sampleDelivery(value: "new-value"))
            }
            #expect(error.map { "\($0)" }?.contains(path) == true)
            #expect(try contents(path) == "old-value\n")
            #expect(try entries(tokens) == ["ci.token"])
        }
    }

    @Test("when the target is a folder the rename fails and no temporary file is left")
    func targetIsAFolder() async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.token"
            #expect(mkdir(path, 0o700) == 0)
            try writeFile(path + "/keep", "")
            let error = await #expect(throws: SinkError.self) {
                try await FileSink(path: path).deliver(sampleDelivery())
            }
            #expect(error.map { "\($0)" }?.contains(Self.value) == false)
            #expect(try entries(folder) == ["ci.token"])
        }
    }

    @Test("a parent that is a file is reported, not overwritten")
    func parentIsAFile() async throws {
        try await withTemporaryFolder { folder in
            try writeFile(folder + "/blocker", "x")
            let error = await #expect(throws: SinkError.self) {
                try await FileSink(path: folder + "/blocker/ci.token").deliver(sampleDelivery())
            }
            guard case .notAFolder(let path, _)? = error else {
                Issue.record("expected notAFolder, got \(String(describing: error))")
                return
            }
            #expect(path == folder + "/blocker")
            #expect(try contents(folder + "/blocker") == "x")
        }
    }

    @Test("a relative path is refused", arguments: ["ci.token", "tokens/ci.token", "/tmp/", "/tmp/.."])
    func relativePath(path: String) async throws {
        await #expect(throws: SinkError.self) {
            try await FileSink(path: path).deliver(sampleDelivery())
        }
    }

    @Test("a value with a line break is refused rather than written as two lines")
    func lineBreakInValue() async throws {
        try await withTemporaryFolder { folder in
            await #expect(throws: SinkError.self) {
                try await FileSink(path: folder + "/ci.token").deliver(sampleDelivery(value: "abc\nJENKINS_USER=x"))
            }
            let remaining = try entries(folder)
            #expect(remaining.isEmpty)
        }
    }

    @Test("the value written in each format reads back", arguments: [FileSinkFormat.raw, .env, .json])
    func readBack(format: FileSinkFormat) async throws {
        try await withTemporaryFolder { folder in
            let sink = FileSink(path: folder + "/ci.token", format: format)
            try await sink.deliver(sampleDelivery())
            #expect(try sink.readCurrentValue()?.reveal() == Self.value)
            #expect(try FileSink.readCurrentValue(path: sink.path, format: format)?.reveal() == Self.value)
        }
    }

    @Test(
        "hand-written token files read back",
        arguments: [
            (FileSinkFormat.raw, "  abc123  \nsecond line\n"),
            (.raw, "abc123"),
            (.env, "# written by hand\nexport JENKINS_TOKEN=\"abc123\"\nJENKINS_USER=alice\n"),
            (.env, "JENKINS_URL=https://j/\nJENKINS_TOKEN='abc123'"),
            (.json, #"{"token": "abc123", "user": "alice"}"#),
        ])
    func handWritten(format: FileSinkFormat, text: String) async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.token"
            try writeFile(path, text)
            #expect(try FileSink.readCurrentValue(path: path, format: format)?.reveal() == "abc123")
        }
    }

    @Test("a missing token file reads as nil")
    func missingFile() async throws {
        try await withTemporaryFolder { folder in
            let value = try FileSink.readCurrentValue(path: folder + "/none.token", format: .raw)
            #expect(value == nil)
        }
    }

    @Test(
        "a token file without a token is an error that does not quote the file",
        arguments: [
            (FileSinkFormat.raw, "\nsecret-looking-text\n"),
            (.env, "JENKINS_USER=secret-looking-text\n"),
            (.env, "JENKINS_TOKEN=\n"),
            (.json, "secret-looking-text"),
            (.json, #"{"user": "secret-looking-text"}"#),
            (.json, #"["secret-looking-text"]"#),
        ])
    func malformed(format: FileSinkFormat, text: String) async throws {
        try await withTemporaryFolder { folder in
            let path = folder + "/ci.token"
            try writeFile(path, text)
            let error = #expect(throws: SinkError.self) {
                try FileSink.readCurrentValue(path: path, format: format)
            }
            let message = error.map { "\($0)" } ?? ""
            #expect(message.contains(path))
            #expect(!message.contains("secret-looking-text"))
        }
    }

    @Test("a folder where a token file should be is an error, not nil")
    func unreadable() async throws {
        try await withTemporaryFolder { folder in
            #expect(throws: SinkError.self) {
                try FileSink.readCurrentValue(path: folder, format: .raw)
            }
        }
    }

    @Test("the description names the path and format, never the value")
    func description() {
        let sink = FileSink(path: "/var/lib/token-rotator/ci.token", format: .env)
        #expect(sink.description == "file /var/lib/token-rotator/ci.token (env)")
    }
}

@Suite("File sink mode and group on disk")
struct FileSinkModeTests {
    @Test("the file gets exactly the sink's mode and group, on delivery and on restore")
    func modeAndGroup() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sink-mode-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A group this process may give files to: as root any, else its own primary group.
        let group = geteuid() == 0 ? "nogroup" : String(cString: getgrgid(getegid())!.pointee.gr_name)
        let gid = try #require(getgrnam(group)).pointee.gr_gid
        let sink = FileSink(path: folder + "/t/token", format: .raw, mode: 0o640, group: group)
        func status() -> stat {
            var status = stat()
            _ = stat(sink.path, &status)
            return status
        }
        try await sink.deliver(sampleDelivery())
        #expect(status().st_mode & 0o7777 == 0o640)
        #expect(status().st_gid == gid)
        try await sink.restore(SinkSnapshot(content: Secret("old\n")))
        #expect(status().st_mode & 0o7777 == 0o640)
        #expect(status().st_gid == gid)
    }
}
