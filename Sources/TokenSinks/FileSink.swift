import RotatorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Delivers a token by writing it to a file, atomically, mode 0600 or the sink's `mode`, owned by the sink's
/// `group` when it names one (SPEC §3 `file` sink, §8.10).
///
/// The path is final (placeholders already rendered by ``SinkFactory``). Missing parent folders are
/// created with mode 0700; the file is replaced by rename, so a reader never sees half a token and
/// a failed write leaves the previous file as it was.
public struct FileSink: SecretSink {
    /// The absolute path of the token file.
    public let path: String
    public let format: FileSinkFormat
    /// Permission bits of the file (never group- or world-writable: the policy refuses those).
    public let mode: mode_t
    /// The group that owns the file; nil keeps the writer's.
    public let group: String?

    public init(path: String, format: FileSinkFormat = .raw, mode: mode_t = 0o600, group: String? = nil) {
        self.path = path
        self.format = format
        self.mode = mode
        self.group = group
    }

    public var description: String { "file \(path) (\(format.rawValue))" }

    public func deliver(_ delivery: TokenDelivery) async throws {
        let contents = try TokenFileFormat.render(delivery, format: format, path: path)
        let (path, mode, group) = (self.path, self.mode, self.group)
        try await BlockingWork.run {
            try AtomicFileWriter.replaceContents(of: path, with: contents, mode: mode, group: group)
        }
    }

    /// The token value this sink last wrote (or an operator put there), for self mode and for
    /// confirming that a replaced token is dead.
    public func readCurrentValue() throws -> Secret? {
        try Self.readCurrentValue(path: path, format: format)
    }

    /// Reads the token a file sink's file holds: raw — the first line, trimmed; env — the
    /// `JENKINS_TOKEN` line; json — the `"token"` string. Returns nil when the file does not exist;
    /// throws when it exists but cannot be read or holds no token.
    public static func readCurrentValue(path: String, format: FileSinkFormat) throws -> Secret? {
        guard let contents = try readSmallFile(path) else { return nil }
        return try TokenFileFormat.token(in: contents, format: format, path: path)
    }

    /// A token file is a few hundred bytes; the cap keeps a mistaken path (a device, a log) harmless.
    private static let maximumFileSize = 1 << 20

    /// The file's bytes, or nil when it does not exist.
    static func readSmallFile(_ path: String) throws -> [UInt8]? {
        // O_NONBLOCK: opening a FIFO by mistake must not hang the run.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw SinkError.readFailed(path: path, reason: errnoDescription(code))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SinkError.readFailed(path: path, reason: errnoDescription(errno))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SinkError.readFailed(path: path, reason: "not a regular file")
        }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SinkError.readFailed(path: path, reason: errnoDescription(errno))
            }
            if count == 0 { return contents }
            contents += buffer[0..<count]
            if contents.count > maximumFileSize {
                throw SinkError.readFailed(path: path, reason: "larger than \(maximumFileSize) bytes")
            }
        }
    }
}
