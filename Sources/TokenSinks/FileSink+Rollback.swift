import RotatorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the rotation engine needs from a file sink beyond delivery: the value it holds (self mode, and
/// confirming a replaced token is dead), and putting back the previous content when a rotation is undone.
extension FileSink {
    public var holdsValues: Bool { true }
    public var rollback: SinkRollback { .restoresSnapshot }

    /// The token in the file, or nil when there is no file or no token in it. Throws when the file is there but
    /// cannot be read (permissions, I/O, not a regular file): "unknown", which recovery never takes for "absent".
    public func heldValue() async throws -> Secret? {
        try await snapshot()?.heldValue
    }

    /// The file's content and the token in it, from one read.
    public func snapshot() async throws -> SinkSnapshot? {
        guard let contents = try Self.readSmallFile(path) else { return SinkSnapshot(content: nil) }
        let held = (try? TokenFileFormat.token(in: contents, format: format, path: path)) ?? nil
        return SinkSnapshot(content: Secret(String(decoding: contents, as: UTF8.self)), heldValue: held)
    }

    /// Writes the previous content back atomically (with the sink's mode and group), or removes the file if there was none.
    public func restore(_ snapshot: SinkSnapshot) async throws {
        let path = self.path
        guard let content = snapshot.content else {
            if unlink(path) != 0 && errno != ENOENT {
                throw SinkError.writeFailed(path: path, step: "remove the new file", reason: errnoDescription(errno))
            }
            return
        }
        let (mode, group) = (self.mode, self.group)
        try await BlockingWork.run {
            try AtomicFileWriter.replaceContents(of: path, with: Array(content.reveal().utf8), mode: mode, group: group)
        }
    }
}
