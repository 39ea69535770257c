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

    /// Makes the database and its `-wal` and `-shm` files readable and writable by their owner only (SQLite
    /// gives the companions the database's mode), and says which files were looser. A file this user may not
    /// change keeps its mode, and the warning says so. Files that do not exist are skipped.
    func tightenModes() -> [String] {
        var warnings: [String] = []
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            guard stat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            let mode = status.st_mode & 0o777
            guard mode & 0o077 != 0 else { continue }
            let tightened = mode & 0o700
            let octal = { (mode: mode_t) in String(mode, radix: 8) }
            if chmod(file, tightened) == 0 {
                warnings.append(
                    "inventory file \(file) had mode \(octal(mode)), readable by other users; tightened to \(octal(tightened))"
                )
            } else {
                warnings.append(
                    "inventory file \(file) has mode \(octal(mode)), readable by other users, and cannot be tightened "
                        + "(\(String(cString: strerror(errno)))); run chmod 600 \(file) as its owner")
            }
        }
        return warnings
    }
}
