#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a whole file that must be a regular file of bounded size: a secret file, the policy, an import.
///
/// The file is opened with `O_NONBLOCK` and checked with `fstat` before a byte is read, so a FIFO (which
/// would wait for a writer forever) or a device (`/dev/zero` never ends) is refused at once instead of
/// hanging the run or filling its memory, and the check and the read see the same file.
public enum BoundedFile {
    /// Why the file was not read.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case missing
        /// Not a regular file: `kind` says what it is ("a FIFO", "a folder", …).
        case notRegular(kind: String)
        case tooLarge(limit: Int)
        case unreadable(reason: String)

        public var description: String {
            switch self {
            case .missing: "it does not exist"
            case .notRegular(let kind): "it is \(kind), not a regular file"
            case .tooLarge(let limit): "it is larger than \(BoundedFile.describe(bytes: limit))"
            case .unreadable(let reason): reason
            }
        }
    }

    /// The contents of the regular file at `path`, at most `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing }
            throw .unreadable(reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else { throw .notRegular(kind: kind(of: type)) }
        guard status.st_size <= limit else { throw .tooLarge(limit: limit) }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(reason: String(cString: strerror(errno)))
            }
            bytes += buffer[0..<count]
            // The file grew after fstat.
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
        return bytes
    }

    static func kind(of type: mode_t) -> String {
        switch type {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    /// `65536` → `64 KiB`, `1048576` → `1 MiB`.
    static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

/// `read(2)`, out of reach by its name inside ``BoundedFile``.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
