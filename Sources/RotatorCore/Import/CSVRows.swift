import Foundation

/// RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks; CRLF or LF line ends;
/// blank lines are skipped; spaces around unquoted fields are trimmed.
enum CSVRows {
    static func parse(_ text: Substring, file: String) throws -> [InventoryImport.Row] {
        var reader = CSVReader(bytes: Array(text.utf8), file: file)
        var header: (line: Int, names: [String])?
        var rows: [InventoryImport.Row] = []
        while let record = try reader.nextRecord() {
            if record.isBlank { continue }
            guard let header else {
                header = (record.line, try checkedHeader(record, file: file))
                continue
            }
            guard record.fields.count == header.names.count else {
                throw InventoryImportError.wrongFieldCount(
                    file: file, line: record.line, expected: header.names.count, found: record.fields.count)
            }
            var values: [String: String] = [:]
            for (name, value) in zip(header.names, record.fields) where InventoryImport.columns.contains(name) {
                values[name] = unguarded(value)
            }
            rows.append(InventoryImport.Row(line: record.line, values: values))
        }
        guard header != nil else { throw InventoryImportError.emptyFile(file: file) }
        return rows
    }

    /// A cell of token-rotator's own CSV output, whose formula guard put a `'` before a leading `=`, `+`, `-` or
    /// `@`, back as it was.
    static func unguarded(_ value: String) -> String {
        guard value.hasPrefix("'"), let second = value.dropFirst().first, "=+-@".contains(second) else { return value }
        return String(value.dropFirst())
    }

    private static func checkedHeader(_ record: CSVReader.Record, file: String) throws -> [String] {
        var seen = Set<String>()
        // Other columns are ignored (SPEC §8.10), so that `report --format csv` output imports as it is.
        for name in record.fields where InventoryImport.columns.contains(name) {
            guard seen.insert(name).inserted else {
                throw InventoryImportError.duplicateColumn(file: file, line: record.line, column: name)
            }
        }
        if let missing = InventoryImport.columns.first(where: { !seen.contains($0) }) {
            throw InventoryImportError.missingColumn(file: file, line: record.line, column: missing)
        }
        return record.fields
    }
}

private struct CSVReader {
    struct Record {
        /// The physical line the record starts on (1-based).
        var line: Int
        var fields: [String]
        var isBlank: Bool
    }

    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    mutating func nextRecord() throws -> Record? {
        guard index < bytes.count else { return nil }
        let recordLine = line
        var fields: [String] = []
        var sawQuote = false
        while true {
            skipSpaces()
            if index < bytes.count, bytes[index] == Self.quote {
                sawQuote = true
                fields.append(try quotedField(startLine: recordLine))
                skipSpaces()
            } else {
                fields.append(unquotedField())
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == Self.comma {
                index += 1
                continue
            }
            if byte == Self.carriageReturn || byte == Self.lineFeed {
                index += 1
                if byte == Self.carriageReturn, index < bytes.count, bytes[index] == Self.lineFeed { index += 1 }
                line += 1
                break
            }
            throw InventoryImportError.textAfterQuote(file: file, line: line)
        }
        let isBlank = !sawQuote && fields.count == 1 && fields[0].isEmpty
        return Record(line: recordLine, fields: fields, isBlank: isBlank)
    }

    private mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            index += 1
        }
    }

    private mutating func unquotedField() -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.comma || byte == Self.carriageReturn || byte == Self.lineFeed { break }
            index += 1
        }
        var end = index
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private mutating func quotedField(startLine: Int) throws -> String {
        index += 1
        var content: [UInt8] = []
        while true {
            guard index < bytes.count else { throw InventoryImportError.unterminatedQuote(file: file, line: startLine) }
            let byte = bytes[index]
            index += 1
            if byte == Self.quote {
                guard index < bytes.count, bytes[index] == Self.quote else { break }
                index += 1
            }
            if byte == Self.lineFeed
                || (byte == Self.carriageReturn && (index == bytes.count || bytes[index] != Self.lineFeed))
            {
                line += 1
            }
            content.append(byte)
        }
        return String(decoding: content, as: UTF8.self)
    }
}

// MARK: - JSON
