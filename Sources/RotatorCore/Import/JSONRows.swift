import Foundation

/// A JSON array of objects whose keys are the import columns and whose values are strings. Hand-parsed to know
/// the line each object starts on.
struct JSONRows {
    private var bytes: ImportBytes
    private let file: String
    private var line = 1
    /// Objects returned so far; nil before the opening `[`.
    private var count: Int?
    private var finished = false

    init(_ bytes: ImportBytes, file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func failure(_ detail: String) -> InventoryImportError {
        .malformedJSON(file: file, line: line, detail: detail)
    }

    /// The next object of the array, or nil after the closing `]` (and nothing but whitespace after it).
    mutating func next() throws -> InventoryImport.Row? {
        if finished { return nil }
        try skipWhitespace()
        guard let count else {
            try expect("[", "the document must be an array of objects")
            try skipWhitespace()
            if try peek() == UInt8(ascii: "]") {
                bytes.advance()
                return try end()
            }
            self.count = 0
            return try object(number: 1)
        }
        if try peek() == UInt8(ascii: ",") {
            bytes.advance()
            try skipWhitespace()
            return try object(number: count + 1)
        }
        try expect("]", "expected , or ] after an object")
        return try end()
    }

    private mutating func object(number: Int) throws -> InventoryImport.Row {
        guard try peek() == UInt8(ascii: "{") else {
            throw failure("element \(number) of the array is not an object")
        }
        count = number
        return try parseTokenObject()
    }

    private mutating func end() throws -> InventoryImport.Row? {
        try skipWhitespace()
        guard try peek() == nil else { throw failure("unexpected text after the closing ]") }
        finished = true
        return nil
    }

    private mutating func parseTokenObject() throws -> InventoryImport.Row {
        let objectLine = line
        bytes.advance()  // {
        var row = InventoryImport.Row(line: objectLine)
        try skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            bytes.advance()
        } else {
            while true {
                try skipWhitespace()
                guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a key in quotes") }
                let keyLine = line
                let key = try parseString()
                try skipWhitespace()
                try expect(":", "expected : after the key \"\(key)\"")
                try skipWhitespace()
                let valueLine = line
                let value = try parseValue()
                guard let column = InventoryImport.Column(rawValue: key) else {
                    throw InventoryImportError.unknownColumn(file: file, line: keyLine, column: key)
                }
                guard row.values[column] == nil else {
                    throw InventoryImportError.duplicateColumn(file: file, line: keyLine, column: key)
                }
                guard let value else { throw InventoryImportError.notAString(file: file, line: valueLine, field: key) }
                row.values[column] = value
                try skipWhitespace()
                if try peek() == UInt8(ascii: ",") {
                    bytes.advance()
                    continue
                }
                try expect("}", "expected , or } in an object")
                break
            }
        }
        if let missing = InventoryImport.Column.allCases.first(where: { row.values[$0] == nil }) {
            throw InventoryImportError.missingColumn(file: file, line: objectLine, column: missing.rawValue)
        }
        return row
    }

    /// A string value, or nil for any other JSON value (skipped over).
    private mutating func parseValue() throws -> String? {
        guard let byte = try peek() else { throw failure("unexpected end of the document") }
        switch byte {
        case UInt8(ascii: "\""):
            return try parseString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipComposite()
            return nil
        default:
            var bytesOfLiteral: [UInt8] = []
            while let next = try peek(), next.isJSONLiteralByte, bytesOfLiteral.count < 64 {
                bytesOfLiteral.append(next)
                bytes.advance()
            }
            guard !bytesOfLiteral.isEmpty else { throw failure("unexpected character \(describe(byte))") }
            let literal = String(decoding: bytesOfLiteral, as: UTF8.self)
            guard ["true", "false", "null"].contains(literal) || Double(literal) != nil else {
                throw failure("unexpected value \(literal)")
            }
            return nil
        }
    }

    private mutating func skipComposite() throws {
        var depth = 0
        repeat {
            guard let byte = try peek() else { throw failure("unexpected end of the document") }
            switch byte {
            case UInt8(ascii: "\""):
                _ = try parseString()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\n"): line += 1
            default: break
            }
            bytes.advance()
        } while depth > 0
    }

    private mutating func parseString() throws -> String {
        let startLine = line
        bytes.advance()  // opening quote
        var content: [UInt8] = []
        while true {
            guard let byte = try peek() else {
                throw InventoryImportError.malformedJSON(
                    file: file, line: startLine, detail: "a string is never closed")
            }
            bytes.advance()
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = InventoryImport.text(ofUTF8: content) else {
                    throw InventoryImportError.notUTF8(file: file, line: startLine)
                }
                return text
            case UInt8(ascii: "\\"):
                try appendEscape(to: &content)
            case 0..<0x20:
                throw failure("a control character inside a string (write \\n, \\t, …)")
            default:
                content.append(byte)
            }
            guard content.count <= InventoryImport.maxValueBytes else {
                throw InventoryImportError.valueTooLong(file: file, line: startLine)
            }
        }
    }

    private mutating func appendEscape(to content: inout [UInt8]) throws {
        guard let byte = try peek() else { throw failure("unexpected end of the document") }
        bytes.advance()
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
            guard try peek() == UInt8(ascii: "\\"), try peek(1) == UInt8(ascii: "u") else {
                throw failure("an unpaired UTF-16 surrogate in \\u escape")
            }
            bytes.advance(2)
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("an unpaired UTF-16 surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure("an invalid \\u escape") }
        content.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    private mutating func hexQuad() throws -> UInt32 {
        var digits: [UInt8] = []
        for offset in 0..<4 {
            guard let digit = try peek(offset) else { throw failure("a \\u escape needs four hex digits") }
            digits.append(digit)
        }
        guard let value = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) else {
            throw failure("a \\u escape needs four hex digits")
        }
        bytes.advance(4)
        return value
    }

    private mutating func expect(_ character: Unicode.Scalar, _ detail: String) throws {
        guard try peek() == UInt8(ascii: character) else { throw failure(detail) }
        bytes.advance()
    }

    private mutating func peek(_ offset: Int = 0) throws -> UInt8? {
        try bytes.peek(offset)
    }

    private mutating func skipWhitespace() throws {
        while let byte = try peek() {
            switch byte {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            bytes.advance()
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
