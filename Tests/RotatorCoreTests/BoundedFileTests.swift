import Foundation
import RotatorCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Secret, policy and import files: regular files of bounded size, never a hang")
struct BoundedFileTests {
    @Test("a FIFO with no writer is refused at once, never waited on")
    func fifo() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("token").path
        #expect(mkfifo(path, 0o600) == 0)
        let started = ContinuousClock.now
        let error = try #require(throws: SecretResolutionError.self) {
            try SecretResolver.resolve(.file(path), environment: [:])
        }
        #expect(error == .fileUnreadable(path, reason: "it is a FIFO (named pipe), not a regular file"))
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(throws: BoundedFile.Failure.notRegular(kind: "a FIFO (named pipe)")) {
            try BoundedFile.read(path, limit: 100)
        }
    }

    @Test("a device is refused", arguments: ["/dev/zero", "/dev/null", "/dev/urandom"])
    func device(path: String) throws {
        let error = try #require(throws: SecretResolutionError.self) {
            try SecretResolver.resolve(.file(path), environment: [:])
        }
        #expect(error == .fileUnreadable(path, reason: "it is a character device, not a regular file"))
    }

    @Test("a secret file over 64 KiB is refused without echoing it; 64 KiB exactly is read")
    func tooLarge() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let big = try folder.write("big", String(repeating: "s", count: 64 << 10 + 1))
        let error = try #require(throws: SecretResolutionError.self) {
            try SecretResolver.resolve(.file(big), environment: [:])
        }
        #expect(error == .fileUnreadable(big, reason: "it is larger than 64 KiB"))
        #expect(!error.description.contains("sss"))
        let limit = try folder.write("limit", String(repeating: "s", count: 64 << 10))
        #expect(try SecretResolver.resolve(.file(limit), environment: [:]).reveal().count == 64 << 10)
    }

    @Test("a policy file over 1 MiB, a FIFO policy and a folder are policy errors naming the file")
    func policyFile() throws {
        let folder = try PolicyTemporaryFolder()
        defer { folder.remove() }
        let big = try folder.write("big.yml", "version: 1\n# " + String(repeating: "x", count: 1 << 20) + "\n")
        let bigError = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: big) }
        #expect(bigError.file == big)
        #expect(bigError.description.contains("larger than 1 MiB"))
        let fifo = folder.url.appendingPathComponent("fifo.yml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let fifoError = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: fifo) }
        #expect(fifoError.description.contains("is a FIFO (named pipe), not a regular file"))
        let folderError = try #require(throws: PolicyError.self) { try PolicyLoader.load(path: folder.url.path) }
        #expect(folderError.description.contains("is a folder, not a policy file"))
    }
}
