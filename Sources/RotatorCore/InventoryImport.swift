import Foundation

/// One token read from an import file, with the line it came from (the header of a CSV file is line 1; for JSON,
/// the line where the token's object starts).
public struct ImportedToken: Sendable, Equatable {
    public var line: Int
    public var record: TokenRecord

    public init(line: Int, record: TokenRecord) {
        self.line = line
        self.record = record
    }
}

/// Why an import file was refused. Nothing is imported when any line is wrong.
public enum InventoryImportError: Error, Equatable, CustomStringConvertible {
    case emptyFile(file: String)
    case missingColumn(file: String, line: Int, column: String)
    case unknownColumn(file: String, line: Int, column: String)
    case duplicateColumn(file: String, line: Int, column: String)
    case wrongFieldCount(file: String, line: Int, expected: Int, found: Int)
    case unterminatedQuote(file: String, line: Int)
    case textAfterQuote(file: String, line: Int)
    case emptyValue(file: String, line: Int, field: String)
    case malformedUUID(file: String, line: Int, value: String)
    case badDate(file: String, line: Int, value: String)
    case duplicateUUID(file: String, uuid: String, firstLine: Int, line: Int)
    case malformedJSON(file: String, line: Int, detail: String)
    case notAString(file: String, line: Int, field: String)

    public var description: String {
        let columns = InventoryImport.columns.joined(separator: ",")
        switch self {
        case .emptyFile(let file):
            return "\(file): the file is empty; expected a CSV header `\(columns)` or a JSON array of objects"
        case .missingColumn(let file, let line, let column):
            return "\(file):\(line): column `\(column)` is missing; expected exactly `\(columns)` (any order)"
        case .unknownColumn(let file, let line, let column):
            return "\(file):\(line): unknown column `\(column)`; expected exactly `\(columns)` (any order)"
        case .duplicateColumn(let file, let line, let column):
            return "\(file):\(line): column `\(column)` appears twice"
        case .wrongFieldCount(let file, let line, let expected, let found):
            return "\(file):\(line): expected \(expected) fields, found \(found); quote fields that contain commas"
        case .unterminatedQuote(let file, let line):
            return "\(file):\(line): a quoted field is never closed; end it with \" (write \"\" for a quote inside)"
        case .textAfterQuote(let file, let line):
            return
                "\(file):\(line): text follows a closing quote; quote the whole field (write \"\" for a quote inside)"
        case .emptyValue(let file, let line, let field):
            return "\(file):\(line): field `\(field)` is empty"
        case .malformedUUID(let file, let line, let value):
            return "\(file):\(line): field `uuid`: \"\(value)\" is not a UUID "
                + "(expected 8-4-4-4-12 hex digits, as Jenkins shows it)"
        case .badDate(let file, let line, let value):
            return "\(file):\(line): field `created`: \"\(value)\" is not an ISO 8601 date; write "
                + "2026-01-05T09:30:00Z, 2026-01-05T09:30:00.123+02:00 or 2026-01-05 (midnight UTC)"
        case .duplicateUUID(let file, let uuid, let firstLine, let line):
            return "\(file):\(line): uuid \(uuid) already appears on line \(firstLine); each token must appear once"
        case .malformedJSON(let file, let line, let detail):
            return "\(file):\(line): malformed JSON: \(detail)"
        case .notAString(let file, let line, let field):
            return "\(file):\(line): field `\(field)` must be a JSON string"
        }
    }
}

/// Parses `inventory import` files (SPEC §2): CSV with the header `controller,user,name,uuid,created` (any column
/// order, RFC 4180 quoting, CRLF or LF), or a JSON array of objects with the same keys. Pure: no I/O.
public enum InventoryImport {
    /// The columns (CSV) and keys (JSON) of an import file.
    public static let columns = ["controller", "user", "name", "uuid", "created"]

    /// Parses `text` (named `fileName` in errors). Every token is new and `active`; uuids are stored lowercase.
    /// A `created` in the future is accepted (the planner reports clock skew).
    public static func parse(_ text: String, fileName: String) throws -> [ImportedToken] {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        guard let first = body.first(where: { !$0.isWhitespace }) else {
            throw InventoryImportError.emptyFile(file: fileName)
        }
        let rows = try (first == "[" ? JSONRows.parse(body, file: fileName) : CSVRows.parse(body, file: fileName))
        var tokens: [ImportedToken] = []
        tokens.reserveCapacity(rows.count)
        var lineOfUUID: [String: Int] = [:]
        for row in rows {
            let token = try makeToken(row, file: fileName)
            if let firstLine = lineOfUUID[token.record.uuid] {
                throw InventoryImportError.duplicateUUID(
                    file: fileName, uuid: token.record.uuid, firstLine: firstLine, line: token.line)
            }
            lineOfUUID[token.record.uuid] = token.line
            tokens.append(token)
        }
        return tokens
    }

    /// One record of either format: its line and its values by column name.
    struct Row {
        var line: Int
        var values: [String: String]
    }

    private static func makeToken(_ row: Row, file: String) throws -> ImportedToken {
        func value(_ field: String) throws -> String {
            let text = row.values[field]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !text.isEmpty else { throw InventoryImportError.emptyValue(file: file, line: row.line, field: field) }
            return text
        }
        let controller = try value("controller")
        let user = try value("user")
        let name = try value("name")
        let uuidText = try value("uuid")
        guard let uuid = canonicalUUID(uuidText) else {
            throw InventoryImportError.malformedUUID(file: file, line: row.line, value: uuidText)
        }
        let createdText = try value("created")
        guard let created = Timestamp.parse(createdText) else {
            throw InventoryImportError.badDate(file: file, line: row.line, value: createdText)
        }
        let record = TokenRecord(controller: controller, user: user, name: name, uuid: uuid, created: created)
        return ImportedToken(line: row.line, record: record)
    }

    /// The lowercase form of an 8-4-4-4-12 hex UUID (any version), or nil.
    public static func canonicalUUID(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard byte.isHexDigit else { return nil }
            }
        }
        return text.lowercased()
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self)
    }
}

// MARK: - CSV

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
            for (name, value) in zip(header.names, record.fields) { values[name] = value }
            rows.append(InventoryImport.Row(line: record.line, values: values))
        }
        guard header != nil else { throw InventoryImportError.emptyFile(file: file) }
        return rows
    }

    private static func checkedHeader(_ record: CSVReader.Record, file: String) throws -> [String] {
        var seen = Set<String>()
        for name in record.fields {
            guard InventoryImport.columns.contains(name) else {
                throw InventoryImportError.unknownColumn(file: file, line: record.line, column: name)
            }
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

/// A JSON array of objects whose keys are the import columns and whose values are strings. Hand-parsed to know
/// the line each object starts on.
enum JSONRows {
    static func parse(_ text: Substring, file: String) throws -> [InventoryImport.Row] {
        var parser = JSONParser(bytes: Array(text.utf8), file: file)
        let rows = try parser.parseDocument()
        return rows
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func failure(_ detail: String) -> InventoryImportError {
        .malformedJSON(file: file, line: line, detail: detail)
    }

    mutating func parseDocument() throws -> [InventoryImport.Row] {
        skipWhitespace()
        try expect("[", "the document must be an array of objects")
        var rows: [InventoryImport.Row] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "{") else {
                    throw failure("element \(rows.count + 1) of the array is not an object")
                }
                rows.append(try parseTokenObject())
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect("]", "expected , or ] after an object")
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected text after the closing ]") }
        return rows
    }

    private mutating func parseTokenObject() throws -> InventoryImport.Row {
        let objectLine = line
        index += 1  // {
        var values: [String: String] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw failure("expected a key in quotes") }
                let keyLine = line
                let key = try parseString()
                skipWhitespace()
                try expect(":", "expected : after the key \"\(key)\"")
                skipWhitespace()
                let valueLine = line
                let value = try parseValue()
                guard InventoryImport.columns.contains(key) else {
                    throw InventoryImportError.unknownColumn(file: file, line: keyLine, column: key)
                }
                guard values[key] == nil else {
                    throw InventoryImportError.duplicateColumn(file: file, line: keyLine, column: key)
                }
                guard let value else { throw InventoryImportError.notAString(file: file, line: valueLine, field: key) }
                values[key] = value
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect("}", "expected , or } in an object")
                break
            }
        }
        if let missing = InventoryImport.columns.first(where: { values[$0] == nil }) {
            throw InventoryImportError.missingColumn(file: file, line: objectLine, column: missing)
        }
        return InventoryImport.Row(line: objectLine, values: values)
    }

    /// A string value, or nil for any other JSON value (skipped over).
    private mutating func parseValue() throws -> String? {
        guard let byte = peek() else { throw failure("unexpected end of the document") }
        switch byte {
        case UInt8(ascii: "\""):
            return try parseString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipComposite()
            return nil
        default:
            let start = index
            while let next = peek(), next.isJSONLiteralByte { index += 1 }
            guard index > start else { throw failure("unexpected character \(describe(byte))") }
            let literal = String(decoding: bytes[start..<index], as: UTF8.self)
            guard ["true", "false", "null"].contains(literal) || Double(literal) != nil else {
                throw failure("unexpected value \(literal)")
            }
            return nil
        }
    }

    private mutating func skipComposite() throws {
        var depth = 0
        repeat {
            guard let byte = peek() else { throw failure("unexpected end of the document") }
            switch byte {
            case UInt8(ascii: "\""):
                _ = try parseString()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\n"): line += 1
            default: break
            }
            index += 1
        } while depth > 0
    }

    private mutating func parseString() throws -> String {
        let startLine = line
        index += 1  // opening quote
        var content: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw InventoryImportError.malformedJSON(
                    file: file, line: startLine, detail: "a string is never closed")
            }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: content, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try appendEscape(to: &content)
            case 0..<0x20:
                throw failure("a control character inside a string (write \\n, \\t, …)")
            default:
                content.append(byte)
            }
        }
    }

    private mutating func appendEscape(to content: inout [UInt8]) throws {
        guard let byte = peek() else { throw failure("unexpected end of the document") }
        index += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
            UInt8(ascii: "/"): UInt8(ascii: "/"), UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
            UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            content.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw failure("unknown escape \\\(describe(byte))") }
        var scalar = try hexQuad()
        if (0xD800..<0xDC00).contains(scalar) {
            guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("an unpaired UTF-16 surrogate in \\u escape")
            }
            index += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("an unpaired UTF-16 surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure("an invalid \\u escape") }
        content.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a \\u escape needs four hex digits") }
        let text = String(decoding: bytes[index..<(index + 4)], as: UTF8.self)
        guard let value = UInt32(text, radix: 16) else { throw failure("a \\u escape needs four hex digits") }
        index += 4
        return value
    }

    private mutating func expect(_ character: Unicode.Scalar, _ detail: String) throws {
        guard peek() == UInt8(ascii: character) else { throw failure(detail) }
        index += 1
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            index += 1
        }
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "`\(Character(Unicode.Scalar(byte)))`" : String(format: "0x%02X", byte)
    }
}

extension UInt8 {
    fileprivate var isJSONLiteralByte: Bool {
        (48...57).contains(self) || (97...122).contains(self) || self == UInt8(ascii: "-")
            || self == UInt8(ascii: "+") || self == UInt8(ascii: ".") || (65...90).contains(self)
    }
}
