import Foundation

/// Why an import file was refused. Nothing is imported when any line is wrong. A value that may be a secret
/// is described by its shape (``ValueShape``), never shown.
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
    case jsonNotAnArray(file: String)
    case notUTF8(file: String, line: Int)
    case valueTooLong(file: String, line: Int)
    case tooManyFields(file: String, line: Int)

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
            // Never the text: a token pasted into the uuid column must not reach a terminal or a CI log.
            return "\(file):\(line): field `uuid`: a value of \(ValueShape.describe(value)) is not a UUID "
                + "(expected 8-4-4-4-12 hex digits, as Jenkins shows it)"
        case .badDate(let file, let line, let value):
            return
                "\(file):\(line): field `created`: \(ValueShape.quotedOrShape(value)) is not an ISO 8601 date; write "
                + "2026-01-05T09:30:00Z, 2026-01-05T09:30:00.123+02:00 or 2026-01-05 (midnight UTC)"
        case .duplicateUUID(let file, let uuid, let firstLine, let line):
            return Self.repeatedUUID(file: file, line: line, uuid: uuid, firstLine: firstLine)
        case .malformedJSON(let file, let line, let detail):
            return "\(file):\(line): malformed JSON: \(detail)"
        case .notAString(let file, let line, let field):
            return "\(file):\(line): field `\(field)` must be a JSON string"
        case .notUTF8(let file, let line):
            return "\(file):\(line): a value is not UTF-8 text; save the file as UTF-8"
        case .valueTooLong(let file, let line):
            return "\(file):\(line): a value is longer than \(InventoryImport.maxValueBytes >> 10) KiB; "
                + "is this an import file (controller,user,name,uuid,created)?"
        case .tooManyFields(let file, let line):
            return "\(file):\(line): more than \(InventoryImport.maxFieldsPerRecord) fields in one record; "
                + "is this an import file (controller,user,name,uuid,created)?"
        case .jsonNotAnArray(let file):
            return "\(file):1: a JSON import is an array of objects ([{\"controller\": …}, …]), not a single object"
        }
    }
}

extension InventoryImportError {
    /// The text for a uuid that appears twice in one import, shared with the inventories, which find the repeat
    /// themselves when they stage the rows; `file` is nil for an import with no name.
    public static func repeatedUUID(file: String?, line: Int, uuid: String, firstLine: Int) -> String {
        let place = file.map { "\($0):\(line)" } ?? "line \(line)"
        return "\(place): uuid \(uuid) already appears on line \(firstLine); each token must appear once"
    }
}
