import Foundation
import RotatorTestSupport
import Testing

@testable import TokenSinks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("File sink: temporary files a killed delivery left behind")
struct AbandonedTemporaryFileTests {
    @Test("the next delivery to the folder removes our abandoned temporary files and nothing else")
    func removesOnlyOurs() async throws {
        try await withTemporaryFolder { folder in
            let abandoned = [".ci.token.0123abcd.tmp", ".deploy.token.ffffffffffffffff.tmp", ".a.b.c.9.tmp"]
            let kept = [
                ".ci.token.tmp", "notes.tmp", ".ci.token.XYZ.tmp", ".ci.token.00112233445566778.tmp", "ci.token.1.tmp",
                ".ci.token.12.tmp.bak", "..1.tmp",
            ]
            for name in abandoned + kept { try writeFile(folder + "/" + name, "11aa22bb33cc44dd55ee66ff77889900\n") }
            try FileManager.default.createDirectory(
                atPath: folder + "/.folder.token.ab.tmp", withIntermediateDirectories: false)
            try writeFile(folder + "/elsewhere", "x")
            symlink(folder + "/elsewhere", folder + "/.link.token.cd.tmp")

            try AtomicFileWriter.replaceContents(of: folder + "/ci.token", with: Array("new\n".utf8))

            let left = Set(try entries(folder))
            for name in abandoned { #expect(!left.contains(name), "\(name) was left behind") }
            for name in kept + [".folder.token.ab.tmp", ".link.token.cd.tmp", "elsewhere", "ci.token"] {
                #expect(left.contains(name), "\(name) was removed")
            }
            #expect(try contents(folder + "/ci.token") == "new\n")
        }
    }

    @Test("a temporary file another delivery is writing (it holds the lock) is left alone")
    func leavesFilesInUse() async throws {
        try await withTemporaryFolder { folder in
            let inUse = folder + "/.other.token.0a0b.tmp"
            let descriptor = open(inUse, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            #expect(descriptor >= 0)
            #expect(flock(descriptor, LOCK_EX) == 0)
            try AtomicFileWriter.replaceContents(of: folder + "/ci.token", with: Array("new\n".utf8))
            #expect(FileManager.default.fileExists(atPath: inUse))
            close(descriptor)  // the writer died: the kernel dropped its lock
            try AtomicFileWriter.replaceContents(of: folder + "/ci.token", with: Array("newer\n".utf8))
            #expect(!FileManager.default.fileExists(atPath: inUse))
            #expect(try entries(folder) == ["ci.token"])
        }
    }

    /// Found under AddressSanitizer's slower timing: the writer closed (and so unlocked) its temporary file
    /// before renaming it, and another delivery's cleanup removed it in between.
    @Test("many deliveries to one folder at once never remove each other's temporary files")
    func concurrentDeliveries() async throws {
        try await withTemporaryFolder { folder in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        for round in 0..<50 {
                            try AtomicFileWriter.replaceContents(
                                of: folder + "/t\(index).token", with: Array("\(round)\n".utf8))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try entries(folder).count == 16)
        }
    }
}
