import Foundation
import Synchronization

/// Where a command writes text: the real stdout/stderr, or a buffer in tests.
public protocol TextOutput: AnyObject, Sendable {
    func write(_ text: String)
    /// UTF-8 bytes, for writers that encode rows themselves.
    func write(bytes: [UInt8])
    func flush()
}

extension TextOutput {
    public func write(bytes: [UInt8]) {
        write(String(decoding: bytes, as: UTF8.self))
    }
}

/// Buffered writes to a file descriptor; reports of 100k rows go out in 64 KiB chunks.
public final class FileDescriptorOutput: TextOutput {
    private let descriptor: Int32
    private let buffer = Mutex<[UInt8]>([])
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

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

/// Collects everything written, for tests and for `--output` files.
public final class BufferOutput: TextOutput {
    private let storage = Mutex("")

    public init() {}

    public func write(_ text: String) {
        storage.withLock { $0 += text }
    }

    public func flush() {}

    public var text: String { storage.withLock { $0 } }
}
