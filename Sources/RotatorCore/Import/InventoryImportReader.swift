/// Reads the tokens of an `inventory import` file one at a time (SPEC §2, §8.10): CSV with the header
/// `controller,user,name,uuid,created` (any column order, other columns ignored, RFC 4180 quoting, CRLF or LF), or
/// a JSON array of objects with the same keys. Memory stays bounded however long the input, so a million-row
/// import does not hold the file, or its tokens, at once. Duplicate uuids are the inventory's to find (it has
/// them all); ``InventoryImport/parse(_:fileName:)`` finds them in memory for a small text.
public struct InventoryImportReader {
    // One of the two once the first bytes were seen; optionals so that each is advanced in place.
    private var csv: CSVRows?
    private var json: JSONRows?
    private var bytes: ImportBytes?
    private let fileName: String

    /// Reads from `read`, which fills the buffer it is given and returns how many bytes it put there (0 at the end).
    public init(fileName: String, read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.fileName = fileName
        bytes = ImportBytes(read: read)
    }

    /// Reads bytes already in memory.
    public init(bytes: [UInt8], fileName: String) {
        self.fileName = fileName
        self.bytes = ImportBytes(bytes)
    }

    /// The next token, or nil at the end of the file. Errors name the file and line (``InventoryImportError``);
    /// errors of `read` pass through.
    public mutating func next() throws -> ImportedToken? {
        if bytes != nil { try detectFormat() }
        let row = try csv?.next() ?? json?.next()
        return try row.map { try InventoryImport.makeToken($0, file: fileName) }
    }

    /// JSON when the first character that is not white space is `[`, CSV otherwise. A UTF-8 byte order mark is
    /// skipped.
    private mutating func detectFormat() throws {
        guard var bytes = self.bytes.take() else { return }
        if try bytes.peek() == 0xEF, try bytes.peek(1) == 0xBB, try bytes.peek(2) == 0xBF { bytes.advance(3) }
        var offset = 0
        // Bounded: a file of nothing but white space is read as CSV, whose reader skips blank lines as it goes.
        while offset < InventoryImport.maxValueBytes, let byte = try bytes.peek(offset),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
        {
            offset += 1
        }
        switch try bytes.peek(offset) {
        case nil: throw InventoryImportError.emptyFile(file: fileName)
        case UInt8(ascii: "{"): throw InventoryImportError.jsonNotAnArray(file: fileName)
        case UInt8(ascii: "["): json = JSONRows(bytes, file: fileName)
        default: csv = CSVRows(bytes, file: fileName)
        }
    }
}
