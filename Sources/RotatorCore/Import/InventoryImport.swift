import Foundation

/// Parses `inventory import` files (SPEC §2, §8.10): CSV with the header `controller,user,name,uuid,created` (any
/// column order, other columns ignored, RFC 4180 quoting, CRLF or LF), or a JSON array of objects with the same keys.
/// Pure: no I/O.
public enum InventoryImport {
    /// The columns (CSV) and keys (JSON) of an import file.
    public static let columns = Column.allCases.map(\.rawValue)

    /// One column (CSV) or key (JSON) of an import file.
    enum Column: String, CaseIterable {
        case controller, user, name, uuid, created
    }

    /// The longest value (or CSV field) accepted, and the most fields in a CSV record: an import streams, and
    /// these keep one record's memory bounded too.
    static let maxValueBytes = 64 << 10
    static let maxFieldsPerRecord = 256

    /// Parses `text` (named `fileName` in errors). Every token is new and `active`; uuids are stored lowercase.
    /// A `created` in the future is accepted (the planner reports clock skew). A uuid that appears twice fails.
    public static func parse(_ text: String, fileName: String) throws -> [ImportedToken] {
        var reader = InventoryImportReader(bytes: Array(text.utf8), fileName: fileName)
        var tokens: [ImportedToken] = []
        var lineOfUUID: [String: Int] = [:]
        while let token = try reader.next() {
            if let firstLine = lineOfUUID[token.record.uuid] {
                throw InventoryImportError.duplicateUUID(
                    file: fileName, uuid: token.record.uuid, firstLine: firstLine, line: token.line)
            }
            lineOfUUID[token.record.uuid] = token.line
            tokens.append(token)
        }
        return tokens
    }

    /// One record of either format: its line and its values.
    struct Row {
        var line: Int
        var values = ColumnValues()
    }

    /// The values of one record by column: five fields, not a dictionary, so that a million-row import hashes no
    /// column names per row.
    struct ColumnValues {
        private var controller, user, name, uuid, created: String?

        subscript(column: Column) -> String? {
            get {
                switch column {
                case .controller: controller
                case .user: user
                case .name: name
                case .uuid: uuid
                case .created: created
                }
            }
            set {
                switch column {
                case .controller: controller = newValue
                case .user: user = newValue
                case .name: name = newValue
                case .uuid: uuid = newValue
                case .created: created = newValue
                }
            }
        }
    }

    static func makeToken(_ row: Row, file: String) throws -> ImportedToken {
        func value(_ column: Column) throws -> String {
            let text = trimmingBlanks(row.values[column] ?? "")
            guard !text.isEmpty else {
                throw InventoryImportError.emptyValue(file: file, line: row.line, field: column.rawValue)
            }
            return text
        }
        let controller = try value(.controller)
        let user = try value(.user)
        let name = try value(.name)
        let uuidText = try value(.uuid)
        guard let uuid = canonicalUUID(uuidText) else {
            throw InventoryImportError.malformedUUID(file: file, line: row.line, value: uuidText)
        }
        let createdText = try value(.created)
        guard let created = Timestamp.parse(createdText) else {
            throw InventoryImportError.badDate(file: file, line: row.line, value: createdText)
        }
        let record = InventoryToken(controller: controller, user: user, name: name, uuid: uuid, created: created)
        return ImportedToken(line: row.line, record: record)
    }

    /// `text` without the spaces and tabs around it (`CharacterSet.whitespaces`: tab and Unicode's space
    /// separators). Foundation's `trimmingCharacters` took a quarter of an import's time; most values need nothing.
    static func trimmingBlanks(_ text: String) -> String {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte >= 0x80 }
        guard let first = text.utf8.first, let last = text.utf8.last, isBlank(first) || isBlank(last) else {
            return text
        }
        let blank: (Unicode.Scalar) -> Bool = { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !blank($0) }), let end = scalars.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(scalars[start...end])
    }

    /// The text of a value's UTF-8 bytes, or nil when they are not UTF-8. ASCII (nearly every value) takes the
    /// fast path.
    static func text(ofUTF8 bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.allSatisfy { $0 < 0x80 }
                ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
        }
    }

    /// The lowercase form of an 8-4-4-4-12 hex UUID (any version), or nil.
    public static func canonicalUUID(_ text: String) -> String? {
        var text = text
        // Whether the text has uppercase hex digits, or nil when it is not a uuid; over its contiguous bytes.
        let hasUppercase: Bool? = text.withUTF8 { bytes in
            guard bytes.count == 36 else { return nil }
            var hasUppercase = false
            for index in 0..<36 {
                let byte = bytes[index]
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                } else {
                    guard byte.isHexDigit else { return nil }
                    if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "F") { hasUppercase = true }
                }
            }
            return hasUppercase
        }
        // Nearly every uuid is lowercase already: no copy then.
        guard let hasUppercase else { return nil }
        return hasUppercase ? text.lowercased() : text
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self)
    }
}

// MARK: - CSV
