import Foundation
import RotatorTestSupport
import Testing

@testable import InventoryStore

@Suite("One run at a time: the inventory lock")
struct InventoryLockTests {
    @Test("a second acquirer is refused with the holder's pid until the first releases")
    func secondAcquirerIsRefused() throws {
        try withTemporaryFolder { folder in
            let database = folder + "/inventory.sqlite"
            let first = try InventoryLock.acquire(forDatabaseAt: database)
            #expect(first.path == database + ".lock")
            #expect(fileMode(first.path) == 0o600)
            let error = #expect(throws: InventoryError.self) { try InventoryLock.acquire(forDatabaseAt: database) }
            #expect(error == .locked(lockPath: database + ".lock", by: getpid()))
            #expect(error?.description.contains("process \(getpid())") == true)

            first.release()
            first.release()
            let second = try InventoryLock.acquire(forDatabaseAt: database)
            second.release()
        }
    }

    @Test("dropping the lock object releases it")
    func deinitReleases() throws {
        try withTemporaryFolder { folder in
            let database = folder + "/inventory.sqlite"
            do {
                _ = try InventoryLock.acquire(forDatabaseAt: database)
            }
            let again = try InventoryLock.acquire(forDatabaseAt: database)
            again.release()
        }
    }

    @Test("a lock held by another process blocks; once that process is killed, the next run gets the lock")
    func deadHolderDoesNotBlock() throws {
        try withTemporaryFolder { folder in
            let database = folder + "/inventory.sqlite"
            let lockPath = InventoryLock.lockPath(forDatabaseAt: database)
            // The shell takes the lock on fd 9, says so, then becomes `sleep` still holding it.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/bin/sh")
            holder.arguments = [
                "-c", "exec 9>>\"$1\" && /usr/bin/flock -x 9 && echo locked && exec /usr/bin/sleep 60", "sh", lockPath,
            ]
            let output = Pipe()
            holder.standardOutput = output
            try holder.run()
            defer {
                if holder.isRunning { kill(holder.processIdentifier, SIGKILL) }
            }
            let line = output.fileHandleForReading.readData(ofLength: 7)
            #expect(String(decoding: line, as: UTF8.self) == "locked\n")

            let error = #expect(throws: InventoryError.self) { try InventoryLock.acquire(forDatabaseAt: database) }
            guard case .locked(let path, _) = error else {
                Issue.record("expected .locked, got \(String(describing: error))")
                return
            }
            #expect(path == lockPath)

            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
            let lock = try InventoryLock.acquire(forDatabaseAt: database)
            lock.release()
        }
    }

    @Test("a lock in a missing folder names the folder")
    func missingFolder() throws {
        try withTemporaryFolder { folder in
            let database = folder + "/absent/inventory.sqlite"
            let error = #expect(throws: InventoryError.self) { try InventoryLock.acquire(forDatabaseAt: database) }
            #expect(error == .folderMissing(path: database + ".lock", folder: folder + "/absent"))
        }
    }
}
