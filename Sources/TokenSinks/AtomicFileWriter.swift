#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces a file so that a reader sees either the whole old content or the whole new one,
/// and a crash leaves one of them on disk, never a mix (SPEC §3 `file` sink).
///
/// The new content goes to a temporary file in the same folder (created exclusively, mode 0600
/// whatever the umask), is flushed with fsync, renamed over the target, and the folder is flushed
/// too. Missing parent folders are created with mode 0700; existing ones are left as they are.
/// On any failure the temporary file is removed and the target is untouched.
package enum AtomicFileWriter {
    /// The steps after the temporary file exists, where a test may inject a failure.
    package enum Step: Sendable, Equatable {
        case write, sync, rename
    }

    package static func replaceContents(
        of path: String, with bytes: [UInt8], mode: mode_t = 0o600, group: String? = nil,
        failingAt injectedFailure: Step? = nil
    ) throws {
        guard let (folder, fileName) = splitFilePath(path) else {
            throw SinkError.invalidFilePath(path: path)
        }
        try createFolders(folder, forFile: path)

        AbandonedTemporaryFiles.remove(in: folder)
        let (descriptor, uniqueTemporaryPath) = try createTemporaryFile(folder: folder, fileName: fileName, mode: mode)
        var isRenamed = false
        defer {
            if !isRenamed { unlink(uniqueTemporaryPath) }
            // Closed only now: the descriptor holds the lock that keeps a concurrent delivery's cleanup
            // (AbandonedTemporaryFiles) away from this file until it has been renamed.
            close(descriptor)
        }

        // The group first: changing it may clear set-id bits, and the mode must end exact.
        if let group {
            guard let entry = getgrnam(group) else {
                throw SinkError.writeFailed(
                    path: path, step: "set the file's group", reason: "no group \(group) on this host")
            }
            guard fchown(descriptor, uid_t.max, entry.pointee.gr_gid) == 0 else {
                throw failure(path, "give the temporary file to group \(group)", errno)
            }
        }
        // The umask may have cleared bits of `mode`, and a set-group-id folder may not: be exact.
        guard fchmod(descriptor, mode) == 0 else {
            throw failure(path, "set the mode of the temporary file", errno)
        }
        try inject(.write, injectedFailure, path)
        try writeAll(bytes, to: descriptor, path: path)
        try inject(.sync, injectedFailure, path)
        guard fsync(descriptor) == 0 else {
            throw failure(path, "flush the temporary file to disk", errno)
        }
        try inject(.rename, injectedFailure, path)
        guard rename(uniqueTemporaryPath, path) == 0 else {
            throw failure(path, "move the temporary file over the target", errno)
        }
        isRenamed = true
        // Once renamed, the new content is in place and readers see it; a failure to flush the
        // folder must not turn a delivered token into a failed delivery (which would revoke it).
        syncFolder(folder)
    }

    /// Creates `.<fileName>.<random hex>.tmp` in `folder` and holds an exclusive `flock` on it until it is
    /// closed, which tells ``AbandonedTemporaryFiles`` that it is in use. A cleaner that locked and unlinked
    /// the file between its creation and our lock leaves it with no link: then start again with a new name.
    private static func createTemporaryFile(folder: String, fileName: String, mode: mode_t) throws -> (Int32, String) {
        let base = folder.hasSuffix("/") ? folder + "." + fileName : folder + "/." + fileName
        while true {
            let temporaryPath = base + "." + String(UInt64.random(in: .min ... .max), radix: 16) + ".tmp"
            let descriptor = open(temporaryPath, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
            guard descriptor >= 0 else {
                throw failure(folder + "/" + fileName, "create a temporary file in \(folder)", errno)
            }
            var status = stat()
            if flock(descriptor, LOCK_EX) == 0, fstat(descriptor, &status) == 0, status.st_nlink == 0 {
                close(descriptor)
                continue
            }
            return (descriptor, temporaryPath)
        }
    }

    /// `/a/b/c` → (`/a/b`, `c`); `/c` → (`/`, `c`); nil when not absolute or not naming a file.
    static func splitFilePath(_ path: String) -> (folder: String, fileName: String)? {
        guard path.hasPrefix("/"), !path.contains("\0"), let slash = path.lastIndex(of: "/") else { return nil }
        let fileName = String(path[path.index(after: slash)...])
        guard !fileName.isEmpty, fileName != ".", fileName != ".." else { return nil }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        return (folder, fileName)
    }

    private static func createFolders(_ folder: String, forFile file: String) throws {
        if isFolder(folder) { return }
        var prefix = ""
        for component in folder.split(separator: "/") {
            prefix += "/" + component
            if isFolder(prefix) { continue }
            // mkdir decides, not an earlier look: another process (rotators sharing an inventory) may create the
            // same folder between a check and our mkdir, and that is a folder, not "exists but is not a folder".
            if mkdir(prefix, 0o700) != 0 {
                let code = errno
                if code == EEXIST {
                    if isFolder(prefix) { continue }
                    throw SinkError.notAFolder(path: prefix, forFile: file)
                }
                throw SinkError.cannotCreateFolder(path: prefix, forFile: file, reason: errnoDescription(code))
            }
            // mkdir applies the umask; the spec wants exactly 0700 for the folders the tool creates.
            guard chmod(prefix, 0o700) == 0 else {
                throw SinkError.cannotCreateFolder(path: prefix, forFile: file, reason: errnoDescription(errno))
            }
        }
    }

    private static func isFolder(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(path, "write the temporary file", errno)
            }
            offset += written
        }
    }

    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func inject(_ step: Step, _ injectedFailure: Step?, _ path: String) throws {
        if step == injectedFailure {
            throw SinkError.writeFailed(path: path, step: "complete the \(step) step", reason: "injected failure")
        }
    }

    private static func failure(_ path: String, _ step: String, _ code: Int32) -> SinkError {
        .writeFailed(path: path, step: step, reason: errnoDescription(code))
    }
}

/// The C library's text for an errno value.
func errnoDescription(_ code: Int32) -> String {
    String(cString: strerror(code))
}
