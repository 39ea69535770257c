import Foundation
import Testing

@testable import RotatorCore

@Suite("Parsing inventory import files")
struct InventoryImportTests {
    private let uuidA = "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"
    private let uuidB = "7f3e2d1c-0b9a-4877-a665-544332211000"

    private func date(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

    @Test("a CSV file in any column order, with CRLF, quotes and trailing blank lines")
    func csv() throws {
        let text =
            "uuid,created,controller,user,name\r\n"
            + "\(uuidA.uppercased()),2026-01-05T00:00:00Z,ci-main,alice,ci\r\n"
            + "\"\(uuidB)\",2026-01-05,\"ci, east\",\"bob \"\"the builder\"\"\",\"multi\nline\"\r\n"
            + "\r\n\n"
        let tokens = try InventoryImport.parse(text, fileName: "tokens.csv")
        #expect(tokens.map(\.line) == [2, 3])
        #expect(
            tokens[0].record
                == InventoryToken(
                    controller: "ci-main", user: "alice", name: "ci", uuid: uuidA, created: date(1_767_571_200)))
        #expect(tokens[1].record.controller == "ci, east")
        #expect(tokens[1].record.user == "bob \"the builder\"")
        #expect(tokens[1].record.name == "multi\nline")
        #expect(tokens[1].record.state == .active)
    }

    @Test("line numbers count physical lines: blank lines and quoted line breaks included")
    func csvLineNumbers() throws {
        let text = """
            controller,user,name,uuid,created

            a,b,"two
            lines",\(uuidA),2026-01-05
            a,b,c,\(uuidB),2026-01-05
            """
        let tokens = try InventoryImport.parse(text, fileName: "t.csv")
        #expect(tokens.map(\.line) == [3, 5])
    }

    @Test("a header-only file imports nothing")
    func headerOnly() throws {
        #expect(try InventoryImport.parse("controller,user,name,uuid,created\n", fileName: "t.csv").isEmpty)
    }

    @Test("CSV columns other than the five are ignored, and a formula-guarded cell comes back as it was written")
    func extraColumnsAndFormulaGuard() throws {
        let text = """
            note,controller,user,name,uuid,created,age_seconds
            "a, note",ci,'@ops,'-deploy,0B6D1C2E-1F0A-4C8E-9A53-3F1D2B7C9E10,2026-01-05T00:00:00Z,12
            x,ci,'plain,n,1b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-05T00:00:00Z,
            """
        let tokens = try InventoryImport.parse(text, fileName: "t.csv")
        #expect(tokens.map(\.record.user) == ["@ops", "'plain"])
        #expect(tokens.map(\.record.name) == ["-deploy", "n"])
    }

    @Test("a JSON array, each token numbered by the line its object starts on")
    func json() throws {
        let text = """

            [
              {"controller": "ci-main", "user": "alice", "name": "ci",
               "uuid": "\(uuidA)", "created": "2026-01-05T01:00:00.5+01:00"},
              {
                "created": "2026-01-05", "uuid": "\(uuidB)",
                "controller": "ci\\u002dmain", "user": "bob", "name": "deploy \\"prod\\""
              }
            ]
            """
        let tokens = try InventoryImport.parse(text, fileName: "tokens.json")
        #expect(tokens.map(\.line) == [3, 5])
        #expect(tokens[0].record.created == date(1_767_571_200.5))
        #expect(tokens[1].record.controller == "ci-main")
        #expect(tokens[1].record.name == "deploy \"prod\"")
        #expect(try InventoryImport.parse("[]", fileName: "t.json").isEmpty)
    }

    @Test(
        "created accepts ISO 8601 instants and plain dates (midnight UTC), the future included",
        arguments: [
            ("2026-01-05", 1_767_571_200.0),
            ("2026-01-05T00:00:00Z", 1_767_571_200.0),
            ("2026-01-05t00:00:00z", 1_767_571_200.0),
            ("2026-01-05 02:00:00+02:00", 1_767_571_200.0),
            ("2026-01-04T19:00:00-0500", 1_767_571_200.0),
            ("2026-01-05T00:00:00.250Z", 1_767_571_200.25),
            ("2026-01-05T00:00:00,5Z", 1_767_571_200.5),
            ("2024-02-29T12:00:00Z", 1_709_208_000.0),
            ("2099-12-31T23:59:59Z", 4_102_444_799.0),
        ])
    func dates(text: String, seconds: Double) throws {
        let csv = "controller,user,name,uuid,created\na,b,c,\(uuidA),\"\(text)\"\n"
        let token = try #require(try InventoryImport.parse(csv, fileName: "t.csv").first)
        #expect(abs(token.record.created.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        let text: String
        let error: InventoryImportError
        var testDescription: String { error.description }
    }

    static let header = "controller,user,name,uuid,created"
    static let goodA = "a,b,c,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10,2026-01-05"
    static let goodB = "a,b,d,7f3e2d1c-0b9a-4877-a665-544332211000,2026-01-05"

    static let failures: [Failure] = [
        Failure(text: "", error: .emptyFile(file: "f")),
        Failure(text: " \n\r\n\t", error: .emptyFile(file: "f")),
        Failure(text: "controller,user,name,uuid\n", error: .missingColumn(file: "f", line: 1, column: "created")),
        Failure(
            text: "controller,user,nmae,uuid,created\n", error: .missingColumn(file: "f", line: 1, column: "name")),
        Failure(
            text: "controller,user,user,uuid,created\n", error: .duplicateColumn(file: "f", line: 1, column: "user")),
        Failure(
            text: "\(header)\n\(goodA)\na,b,c,0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e11\n",
            error: .wrongFieldCount(file: "f", line: 3, expected: 5, found: 4)),
        Failure(
            text: "\(header)\n\(goodA)\n\(goodB),extra\n",
            error: .wrongFieldCount(file: "f", line: 3, expected: 5, found: 6)),
        Failure(text: "\(header)\n\(goodA)\na,\"b,c,d,e\n\n", error: .unterminatedQuote(file: "f", line: 3)),
        Failure(text: "\(header)\na,\"b\"x,c,d,e\n", error: .textAfterQuote(file: "f", line: 2)),
        Failure(
            text: "\(header)\n\(goodA)\na, ,d,7f3e2d1c-0b9a-4877-a665-544332211000,2026-01-05\n",
            error: .emptyValue(file: "f", line: 3, field: "user")),
        Failure(
            text: "\(header)\n\(goodA)\n\n\na,b,d,7f3e2d1c0b9a4877a665544332211000,2026-01-05\n",
            error: .malformedUUID(file: "f", line: 5, value: "7f3e2d1c0b9a4877a665544332211000")),
        Failure(
            text: "\(header)\na,b,d,7f3e2d1c-0b9a-4877-a665-54433221100g,2026-01-05\n",
            error: .malformedUUID(file: "f", line: 2, value: "7f3e2d1c-0b9a-4877-a665-54433221100g")),
        Failure(
            text: "\(header)\n\(goodA)\na,b,d,7f3e2d1c-0b9a-4877-a665-544332211000,05/01/2026\n",
            error: .badDate(file: "f", line: 3, value: "05/01/2026")),
        Failure(
            text: "\(header)\na,b,d,7f3e2d1c-0b9a-4877-a665-544332211000,2026-01-05T10:00:00\n",
            error: .badDate(file: "f", line: 2, value: "2026-01-05T10:00:00")),
        Failure(
            text: "\(header)\na,b,d,7f3e2d1c-0b9a-4877-a665-544332211000,2026-02-29\n",
            error: .badDate(file: "f", line: 2, value: "2026-02-29")),
        Failure(
            text: "\(header)\n\(goodA)\n\(goodB)\na,b,e,0B6D1C2E-1F0A-4C8E-9A53-3F1D2B7C9E10,2026-01-06\n",
            error: .duplicateUUID(file: "f", uuid: "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", firstLine: 2, line: 4)),
        // JSON
        Failure(text: "[\n{\"controller\": \"a\"}\n]", error: .missingColumn(file: "f", line: 2, column: "user")),
        Failure(
            text: "[{\"controller\": \"a\", \"user\": \"b\",\n \"nmae\": \"c\"}]",
            error: .unknownColumn(file: "f", line: 2, column: "nmae")),
        Failure(
            text: "[{\"controller\": \"a\",\n \"controller\": \"b\"}]",
            error: .duplicateColumn(file: "f", line: 2, column: "controller")),
        Failure(
            text: "[\n {\"controller\": \"a\", \"user\": \"b\", \"name\": \"c\",\n"
                + "  \"uuid\": 12, \"created\": \"2026-01-05\"}]",
            error: .notAString(file: "f", line: 3, field: "uuid")),
        Failure(
            text: "[\n {\"controller\": \"a\", \"user\": \"\", \"name\": \"c\",\n"
                + "  \"uuid\": \"x\", \"created\": \"2026-01-05\"}]",
            error: .emptyValue(file: "f", line: 2, field: "user")),
        Failure(
            text: """
                [
                  {"controller": "a", "user": "b", "name": "c", "uuid": "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10",
                   "created": "2026-01-05"},
                  {"controller": "a", "user": "b", "name": "d", "uuid": "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10",
                   "created": "2026-01-05"}
                ]
                """,
            error: .duplicateUUID(file: "f", uuid: "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", firstLine: 2, line: 4)),
        Failure(
            text: "[\n  \"not an object\"\n]",
            error: .malformedJSON(file: "f", line: 2, detail: "element 1 of the array is not an object")),
        Failure(
            text: "[\n {\"controller\": \"a\"\n",
            error: .malformedJSON(file: "f", line: 3, detail: "expected , or } in an object")),
        Failure(
            text: "[]\n]", error: .malformedJSON(file: "f", line: 2, detail: "unexpected text after the closing ]")),
    ]

    @Test(
        "every malformed file is refused with the file, the exact line and the field",
        arguments: InventoryImportTests.failures)
    func refused(failure: Failure) {
        let error = #expect(throws: InventoryImportError.self) {
            try InventoryImport.parse(failure.text, fileName: "f")
        }
        #expect(error == failure.error)
    }

    @Test("error messages name the file, the line and the field")
    func messages() {
        let error = InventoryImportError.malformedUUID(file: "tokens.csv", line: 7, value: "abc")
        #expect(error.description.hasPrefix("tokens.csv:7: field `uuid`: a value of 3 hex characters is not a UUID"))
        let duplicate = InventoryImportError.duplicateUUID(file: "t.json", uuid: "u", firstLine: 2, line: 9)
        #expect(duplicate.description == "t.json:9: uuid u already appears on line 2; each token must appear once")
    }

    @Test(
        "a value that may be a secret is described by its shape, never shown",
        arguments: [
            ("11" + String(repeating: "ab", count: 16), "34 hex characters"),
            (String(repeating: "9f", count: 16), "32 hex characters"),
            ("hunter2-Passw0rd", "16 characters: letters, digits and '-'"),
            ("p@ss word", "9 characters: letters, spaces and '@'"),
            ("", "an empty value"),
        ])
    func secretShapes(value: String, shape: String) throws {
        let uuid = InventoryImportError.malformedUUID(file: "t.csv", line: 2, value: value)
        #expect(uuid.description.contains("a value of \(shape) is not a UUID"), "\(uuid)")
        guard !value.isEmpty else { return }
        #expect(!uuid.description.contains(value))
        let csv = "controller,user,name,uuid,created\nci,alice,ci,\(value)x,2026-01-05\n"
        let error = #expect(throws: InventoryImportError.self) { try InventoryImport.parse(csv, fileName: "t.csv") }
        #expect(error.map { !"\($0)".contains(value + "x") } == true)
    }

    @Test("a token pasted into the created column is not shown either; an ordinary bad date is")
    func dateShapes() {
        let token = "11" + String(repeating: "cd", count: 16)
        let hidden = InventoryImportError.badDate(file: "t.csv", line: 3, value: token)
        #expect(!hidden.description.contains(token))
        #expect(hidden.description.contains("a value of 34 hex characters"))
        let shown = InventoryImportError.badDate(file: "t.csv", line: 3, value: "2026-13-45")
        #expect(shown.description.contains("\"2026-13-45\""))
    }

    @Test(
        "canonical UUIDs of any version are accepted and lowercased",
        arguments: [
            ("0B6D1C2E-1F0A-4C8E-9A53-3F1D2B7C9E10", "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"),
            ("00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"),
            ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
        ])
    func uuids(text: String, canonical: String) {
        #expect(InventoryImport.canonicalUUID(text) == canonical)
    }

    @Test(
        "non-canonical UUIDs are refused",
        arguments: [
            "{0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10}", "0b6d1c2e1f0a4c8e9a533f1d2b7c9e10",
            "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e1",
            "0b6d1c2e-1f0a-4c8e-9a53_3f1d2b7c9e10", "zb6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10",
        ])
    func badUUIDs(text: String) {
        #expect(InventoryImport.canonicalUUID(text) == nil)
    }
}
