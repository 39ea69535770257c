import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The inventory file on disk, checked and prepared before SQLite opens it, so that failures get clear errors
/// and a new database is never readable by other users.
struct DatabaseFile {
    let path: String

    var folder: String {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return parent.isEmpty ? "." : parent
    }

    /// Creates an empty file with mode 0600 unless one exists; SQLite then creates its -wal and -shm files
    /// with the same mode.
    func createIfMissing() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw InventoryError.folderMissing(path: path, folder: folder)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            return
        }
        let code = errno
        switch code {
        case EEXIST:
            return
        case EACCES, EPERM, EROFS:
            throw InventoryError.readOnlyFolder(path: path, folder: folder)
        default:
            throw InventoryError.cannotOpen(path: path, detail: String(cString: strerror(code)))
        }
    }

    /// Fails early, with a clear error, where SQLite would fail later with a vaguer one.
    func checkWritable() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw InventoryError.cannotOpen(path: path, detail: "it is a folder")
        }
        if access(path, R_OK | W_OK) != 0 {
            throw InventoryError.readOnlyFile(path: path)
        }
        if access(folder, W_OK | X_OK) != 0 {
            throw InventoryError.readOnlyFolder(path: path, folder: folder)
        }
    }

    /// SQLite gives -wal and -shm the database's mode; this also takes "other" bits away from files created
    /// under an older, laxer database mode.
    func restrictCompanionFiles() {
        for suffix in ["-wal", "-shm"] {
            let companion = path + suffix
            var status = stat()
            guard stat(companion, &status) == 0 else { continue }
            let mode = status.st_mode & 0o777
            if mode & 0o007 != 0 {
                _ = chmod(companion, mode & ~0o007)
            }
        }
    }
}
