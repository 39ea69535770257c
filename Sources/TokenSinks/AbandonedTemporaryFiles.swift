#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Temporary files that a killed delivery left behind: `.<name>.<hex>.tmp` files that ``AtomicFileWriter``
/// created and never renamed. They may hold a token value, so the next delivery to the same folder removes
/// them. A writer holds an exclusive `flock` on its temporary file while it works, and the kernel drops the
/// lock when the process dies: a file whose lock can be taken is abandoned, one whose lock cannot is in use
/// by a concurrent delivery and is left alone. Only regular files of this user with exactly that name shape
/// are ever touched.
enum AbandonedTemporaryFiles {
    /// Removes the abandoned temporary files in `folder`; returns their names. Failures are ignored: this is
    /// housekeeping, never a reason to fail a delivery.
    @discardableResult
    static func remove(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var removed: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard isTemporaryName(name) else { continue }
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            if removeIfAbandoned(path) { removed.append(name) }
        }
        return removed
    }

    /// `.<name>.<1–16 lowercase hex digits>.tmp`, as ``AtomicFileWriter`` names them.
    static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        let stem = name.dropFirst().dropLast(4)
        guard let dot = stem.lastIndex(of: "."), dot != stem.startIndex else { return false }
        let hex = stem[stem.index(after: dot)...]
        return (1...16).contains(hex.count) && hex.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func removeIfAbandoned(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_uid == geteuid(),
            flock(descriptor, LOCK_EX | LOCK_NB) == 0
        else { return false }
        return unlink(path) == 0
    }
}
