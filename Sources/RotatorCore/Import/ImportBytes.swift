#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of an import, pulled a chunk at a time from `read`, so that memory stays bounded however long the
/// input is: the parsers look at the current byte and at most a few ahead, never back.
struct ImportBytes {
    /// Fills the buffer it is given with up to that many bytes and returns how many; 0 at the end of the input.
    typealias Read = (UnsafeMutableRawBufferPointer) throws -> Int

    static let chunkSize = 256 << 10

    /// `storage[index..<end]` is what has been read and not yet consumed. Allocated once: a refill moves the few
    /// unconsumed bytes to the front and reads into the rest.
    private var storage: [UInt8]
    private var index = 0
    private var end: Int
    private var read: Read?

    /// Bytes already in memory (a whole file).
    init(_ bytes: [UInt8]) {
        storage = bytes
        end = bytes.count
    }

    /// Bytes read from `read` as the parsers need them.
    init(read: @escaping Read) {
        storage = [UInt8](repeating: 0, count: Self.chunkSize)
        end = 0
        self.read = read
    }

    /// The byte `offset` places ahead of the current one, or nil past the end.
    @inline(__always)
    mutating func peek(_ offset: Int = 0) throws -> UInt8? {
        if index + offset < end { return storage[index + offset] }
        try fill(atLeast: offset + 1)
        return index + offset < end ? storage[index + offset] : nil
    }

    @inline(__always)
    mutating func advance(_ count: Int = 1) {
        index += count
    }

    /// Reads until `count` unconsumed bytes are at hand or the input ends.
    private mutating func fill(atLeast count: Int) throws {
        guard let read else { return }
        let unconsumed = max(end - index, 0)
        storage.withUnsafeMutableBytes { bytes in
            if unconsumed > 0, index > 0 { _ = memmove(bytes.baseAddress!, bytes.baseAddress! + index, unconsumed) }
        }
        index = 0
        end = unconsumed
        if storage.count < count { storage += [UInt8](repeating: 0, count: count - storage.count) }
        while end < count {
            let got = try storage.withUnsafeMutableBytes { bytes in
                try read(UnsafeMutableRawBufferPointer(rebasing: bytes[end...]))
            }
            if got == 0 {
                self.read = nil
                return
            }
            end += got
        }
    }
}
