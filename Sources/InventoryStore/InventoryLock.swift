import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One run at a time per inventory (SPEC §4.5): an exclusive `flock` on `<database's real path>.lock`, held until
/// ``release()`` or until the process ends. The kernel drops the lock of a process that dies, so a crashed run
/// never blocks the next one. The holder writes its pid into the file for the second run's error message.
public final class InventoryLock: @unchecked Sendable {
    /// The lock file, `<database path>.lock`.
    public let path: String
    private let guardLock = NSLock()
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        release()
    }

    /// The lock file that guards the database at `databasePath`: `<real path>.lock`, symbolic links resolved, so
    /// that two runs reaching one database through different links still exclude each other.
    public static func lockPath(forDatabaseAt databasePath: String) -> String {
        realPath(databasePath) + ".lock"
    }

    /// `path` with every symbolic link resolved; for a file that does not exist yet, its folder's real path
    /// and its name.
    static func realPath(_ path: String) -> String {
        if let resolved = resolve(path) { return resolved }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard let resolvedFolder = resolve(folder.isEmpty ? "." : folder) else { return path }
        return (resolvedFolder == "/" ? "" : resolvedFolder) + "/" + url.lastPathComponent
    }

    private static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Takes the lock without waiting. Throws ``InventoryError/locked(lockPath:by:)`` when another run (another
    /// process, or another open of the same file) holds it.
    public static func acquire(forDatabaseAt databasePath: String) throws -> InventoryLock {
        let path = lockPath(forDatabaseAt: databasePath)
        // O_NOFOLLOW: a link planted at the lock's name must not make us create or truncate its target.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            switch code {
            case ELOOP:
                throw InventoryError.cannotOpen(
                    path: path, detail: "it is a symbolic link; remove it (token-rotator creates the lock file itself)")
            case ENOENT: throw InventoryError.folderMissing(path: path, folder: folder)
            case EACCES, EPERM, EROFS: throw InventoryError.readOnlyFolder(path: path, folder: folder)
            default: throw InventoryError.cannotOpen(path: path, detail: String(cString: strerror(code)))
            }
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = code == EWOULDBLOCK ? readHolder(descriptor) : nil
            close(descriptor)
            if code == EWOULDBLOCK { throw InventoryError.locked(lockPath: path, by: holder) }
            throw InventoryError.cannotOpen(path: path, detail: "flock: \(String(cString: strerror(code)))")
        }
        let pid = Array("\(getpid())\n".utf8)
        // The pid only feeds error messages: failing to write it is no reason to refuse the lock.
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return InventoryLock(path: path, descriptor: descriptor)
    }

    /// Releases the lock (idempotent). The file stays: removing it would let two runs lock different files.
    public func release() {
        guardLock.lock()
        defer { guardLock.unlock() }
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        // Unlock before closing: a process being spawned at this instant shares the open file until its exec closes
        // it, and would otherwise keep the lock held a moment longer (seen as a flaky second acquire).
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    private static func readHolder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
