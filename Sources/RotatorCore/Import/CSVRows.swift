import Foundation

/// RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks; CRLF or LF line ends;
/// blank lines are skipped; spaces around unquoted fields are trimmed.
struct CSVRows {
    private var reader: CSVReader
    /// For each field of a record, the import column it holds (nil for a column the import ignores); nil until
    /// the header was read.
    private var header: [InventoryImport.Column?]?
    private let file: String

    init(_ bytes: ImportBytes, file: String) {
        reader = CSVReader(bytes: bytes, file: file)
        self.file = file
    }

    /// The next record after the header, or nil at the end.
    mutating func next() throws -> InventoryImport.Row? {
        while let record = try reader.nextRecord() {
            if record.isBlank { continue }
            guard let header else {
                header = try Self.checkedHeader(record, file: file)
                continue
            }
            guard record.fields.count == header.count else {
                throw InventoryImportError.wrongFieldCount(
                    file: file, line: record.line, expected: header.count, found: record.fields.count)
            }
            var row = InventoryImport.Row(line: record.line)
            for (column, value) in zip(header, record.fields) {
                if let column { row.values[column] = Self.unguarded(value) }
            }
            return row
        }
        guard header != nil else { throw InventoryImportError.emptyFile(file: file) }
        return nil
    }

    /// A cell of token-rotator's own CSV output, whose formula guard put a `'` before a leading `=`, `+`, `-` or
    /// `@`, back as it was.
    static func unguarded(_ value: String) -> String {
        guard value.hasPrefix("'"), let second = value.dropFirst().first, "=+-@".contains(second) else { return value }
        return String(value.dropFirst())
    }

    private static func checkedHeader(_ record: CSVReader.Record, file: String) throws -> [InventoryImport.Column?] {
        var seen = Set<String>()
        // Other columns are ignored (SPEC §8.10), so that `report --format csv` output imports as it is.
        let columns = record.fields.map(InventoryImport.Column.init(rawValue:))
        for (name, column) in zip(record.fields, columns) where column != nil {
            guard seen.insert(name).inserted else {
                throw InventoryImportError.duplicateColumn(file: file, line: record.line, column: name)
            }
        }
        if let missing = InventoryImport.columns.first(where: { !seen.contains($0) }) {
            throw InventoryImportError.missingColumn(file: file, line: record.line, column: missing)
        }
        return columns
    }
}

private struct CSVReader {
    struct Record {
        /// The physical line the record starts on (1-based).
        var line: Int
        var fields: [String]
        var isBlank: Bool
    }

    var bytes: ImportBytes
    let file: String
    var line = 1
    /// The field being read, reused from one field to the next.
    private var field: [UInt8] = []

    init(bytes: ImportBytes, file: String) {
        self.bytes = bytes
        self.file = file
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    mutating func nextRecord() throws -> Record? {
        guard try bytes.peek() != nil else { return nil }
        let recordLine = line
        var fields: [String] = []
        var sawQuote = false
        while true {
            try skipSpaces()
            if try bytes.peek() == Self.quote {
                sawQuote = true
                fields.append(try quotedField(startLine: recordLine))
                try skipSpaces()
            } else {
                fields.append(try unquotedField())
            }
            guard fields.count <= InventoryImport.maxFieldsPerRecord else {
                throw InventoryImportError.tooManyFields(file: file, line: recordLine)
            }
            guard let byte = try bytes.peek() else { break }
            if byte == Self.comma {
                bytes.advance()
                continue
            }
            if byte == Self.carriageReturn || byte == Self.lineFeed {
                bytes.advance()
                if byte == Self.carriageReturn, try bytes.peek() == Self.lineFeed { bytes.advance() }
                line += 1
                break
            }
            throw InventoryImportError.textAfterQuote(file: file, line: line)
        }
        let isBlank = !sawQuote && fields.count == 1 && fields[0].isEmpty
        return Record(line: recordLine, fields: fields, isBlank: isBlank)
    }

    private mutating func skipSpaces() throws {
        while let byte = try bytes.peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
            bytes.advance()
        }
    }

    private mutating func unquotedField() throws -> String {
        field.removeAll(keepingCapacity: true)
        while let byte = try bytes.peek(), byte != Self.comma, byte != Self.carriageReturn, byte != Self.lineFeed {
            field.append(byte)
            bytes.advance()
            if field.count > InventoryImport.maxValueBytes {
                throw InventoryImportError.valueTooLong(file: file, line: line)
            }
        }
        while let last = field.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { field.removeLast() }
        return try text(of: field, line: line)
    }

    private mutating func quotedField(startLine: Int) throws -> String {
        bytes.advance()
        field.removeAll(keepingCapacity: true)
        while true {
            guard let byte = try bytes.peek() else {
                throw InventoryImportError.unterminatedQuote(file: file, line: startLine)
            }
            bytes.advance()
            if byte == Self.quote {
                guard try bytes.peek() == Self.quote else { break }
                bytes.advance()
            }
            // A line break inside the field: LF, or a CR not followed by LF (counted once for CRLF).
            let nextIsLineFeed = try bytes.peek() == Self.lineFeed
            if byte == Self.lineFeed || (byte == Self.carriageReturn && !nextIsLineFeed) { line += 1 }
            field.append(byte)
            if field.count > InventoryImport.maxValueBytes {
                throw InventoryImportError.valueTooLong(file: file, line: startLine)
            }
        }
        return try text(of: field, line: startLine)
    }

    private func text(of field: [UInt8], line: Int) throws -> String {
        guard field.count <= InventoryImport.maxValueBytes else {
            throw InventoryImportError.valueTooLong(file: file, line: line)
        }
        guard let text = InventoryImport.text(ofUTF8: field) else {
            throw InventoryImportError.notUTF8(file: file, line: line)
        }
        return text
    }
}
