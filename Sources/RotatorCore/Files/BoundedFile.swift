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
        let file = try Reader(path)
        guard file.size <= limit else { throw .tooLarge(limit: limit) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(file.size)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var result: Result<Int, Failure> = .success(0)
            buffer.withUnsafeMutableBytes { chunk in
                result = Result { () throws(Failure) in try file.read(into: chunk) }
            }
            let count = try result.get()
            if count == 0 { break }
            bytes += buffer[0..<count]
            // The file grew after fstat.
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
        return bytes
    }

    /// A regular file read a chunk at a time, for a file of any size (an import). Opened with `O_NONBLOCK` and
    /// checked with `fstat` before a byte is read, as ``read(_:limit:)`` does.
    public final class Reader {
        private let descriptor: Int32
        /// The size when it was opened.
        public let size: Int

        public init(_ path: String) throws(Failure) {
            let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else {
                let code = errno
                if code == ENOENT || code == ENOTDIR { throw .missing }
                throw .unreadable(reason: String(cString: strerror(code)))
            }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw .unreadable(reason: reason)
            }
            let type = status.st_mode & S_IFMT
            guard type == S_IFREG else {
                close(descriptor)
                throw .notRegular(kind: kind(of: type))
            }
            self.descriptor = descriptor
            size = Int(status.st_size)
        }

        deinit { close(descriptor) }

        /// Fills `buffer` from the file; returns how many bytes, 0 at the end.
        public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
            while true {
                let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
                if count >= 0 { return count }
                if errno != EINTR { throw .unreadable(reason: String(cString: strerror(errno))) }
            }
        }
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
