import Foundation
import Locking

/// Where a command writes text: the real stdout/stderr, or a buffer in tests.
public protocol TextOutput: AnyObject, Sendable {
    func write(_ text: String)
    /// UTF-8 bytes, for writers that encode rows themselves.
    func write(bytes: [UInt8])
    func flush()
    /// Why a write failed (e.g. "Broken pipe"), once one has: the output is then incomplete (SPEC §8.2).
    var writeFailure: String? { get }
}

extension TextOutput {
    public func write(bytes: [UInt8]) {
        write(String(decoding: bytes, as: UTF8.self))
    }

    public var writeFailure: String? { nil }
}

/// Buffered writes to a file descriptor; reports of 100k rows go out in 64 KiB chunks.
public final class FileDescriptorOutput: TextOutput {
    private let descriptor: Int32
    private let buffer = LockedValue<[UInt8]>([])
    private let failure = LockedValue<Int32?>(nil)
    private static let chunk = 64 * 1024

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public static let standardOutput = FileDescriptorOutput(descriptor: STDOUT_FILENO)
    public static let standardError = FileDescriptorOutput(descriptor: STDERR_FILENO)

    public func write(_ text: String) {
        write(bytes: Array(text.utf8))
    }

    public func write(bytes newBytes: [UInt8]) {
        let full = buffer.withLock { bytes -> [UInt8]? in
            bytes.append(contentsOf: newBytes)
            guard bytes.count >= Self.chunk else { return nil }
            defer { bytes.removeAll(keepingCapacity: true) }
            return bytes
        }
        if let full { writeAll(full) }
    }

    public func flush() {
        let pending = buffer.withLock { bytes -> [UInt8] in
            defer { bytes.removeAll(keepingCapacity: true) }
            return bytes
        }
        if !pending.isEmpty { writeAll(pending) }
    }

    /// The first write error (`EPIPE` when the reader went away, `ENOSPC`, `EBADF` for a closed descriptor);
    /// later writes are dropped. The process ignores SIGPIPE, so a closed pipe shows up here, not as a signal.
    public var writeFailure: String? {
        failure.withLock { $0 }.map { String(cString: strerror($0)) }
    }

    private func writeAll(_ bytes: [UInt8]) {
        if failure.withLock({ $0 }) != nil { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    failure.withLock { if $0 == nil { $0 = code } }
                    return
                }
                offset += written
            }
        }
    }
}

/// Collects everything written, for tests and for `--output` files.
public final class BufferOutput: TextOutput {
    private let storage = LockedValue("")

    public init() {}

    public func write(_ text: String) {
        storage.withLock { $0 += text }
    }

    public func flush() {}

    public var text: String { storage.withLock { $0 } }
}
