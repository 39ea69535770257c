import Foundation
import RotatorTestSupport
import Testing

@testable import InventoryStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Inventory files: owner-only modes, a lock on the real path that follows no link")
struct FileSafetyTests {
    @Test("a database and companions readable by others are tightened to 0600 on open, with one warning each")
    func tightensModes() throws {
        try withTemporaryFolder { folder in
            let database = folder + "/inventory.sqlite"
            // An open connection keeps -wal and -shm in place (SQLite removes them on the last close).
            let holder = try Inventory.open(path: database)
            for suffix in ["", "-wal", "-shm"] { #expect(chmod(database + suffix, 0o664) == 0, "\(suffix)") }
            var warnings: [String] = []
            let inventory = try Inventory.open(path: database) { warnings.append($0) }
            for suffix in ["", "-wal", "-shm"] { #expect(fileMode(database + suffix) == 0o600, "\(suffix)") }
            #expect(warnings.count == 3, "\(warnings)")
            #expect(
                warnings.first == "inventory file \(database) had mode 664, readable by other users; tightened to 600")
            var again: [String] = []
            try Inventory.open(path: database) { again.append($0) }.close()
            #expect(again.isEmpty)
            try inventory.close()
            try holder.close()
        }
    }

    @Test("two paths to one database, one through a symbolic link, share one lock")
    func lockOnRealPath() throws {
        try withTemporaryFolder { folder in
            let database = folder + "/inventory.sqlite"
            try Inventory.open(path: database).close()
            let link = folder + "/link.sqlite"
            #expect(symlink(database, link) == 0)
            let linkedFolder = folder + "/linked-folder"
            #expect(symlink(folder, linkedFolder) == 0)
            let first = try InventoryLock.acquire(forDatabaseAt: link)
            #expect(first.path == InventoryLock.realPath(database) + ".lock")
            #expect(throws: InventoryError.self) { try InventoryLock.acquire(forDatabaseAt: database) }
            #expect(throws: InventoryError.self) {
                try InventoryLock.acquire(forDatabaseAt: linkedFolder + "/inventory.sqlite")
            }
            first.release()
            // A database that does not exist yet: its folder's real path decides.
            let fresh = try InventoryLock.acquire(forDatabaseAt: linkedFolder + "/new.sqlite")
            #expect(fresh.path == InventoryLock.realPath(folder) + "/new.sqlite.lock")
            fresh.release()
        }
    }

    @Test("a symbolic link planted at the lock's name is refused, and its target is left untouched")
    func lockFollowsNoLink() throws {
        try withTemporaryFolder { folder in
            let database = folder + "/inventory.sqlite"
            let victim = folder + "/victim"
            try "keep me\n".write(toFile: victim, atomically: true, encoding: .utf8)
            #expect(symlink(victim, database + ".lock") == 0)
            let error = #expect(throws: InventoryError.self) { try InventoryLock.acquire(forDatabaseAt: database) }
            #expect(error?.description.contains("symbolic link") == true, "\(String(describing: error))")
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")
        }
    }
}
