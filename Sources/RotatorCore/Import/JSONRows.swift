import Foundation

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
