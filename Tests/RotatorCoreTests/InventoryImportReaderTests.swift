import Foundation
import Testing

@testable import RotatorCore

/// The import reader streams: whatever size the chunks `read` hands over (down to one byte, so every lookahead
/// straddles a boundary), it reads the same tokens and fails with the same error as a parse of the whole text.
@Suite("Streaming inventory import files")
struct InventoryImportReaderTests {
    static let uuidA = "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"
    static let uuidB = "7f3e2d1c-0b9a-4877-a665-544332211000"

    static let texts: [String] = [
        "\u{FEFF}uuid,created,controller,user,name\r\n\(uuidA),2026-01-05T00:00:00Z,ci,alice,ci\r\n"
            + "\"\(uuidB)\",2026-01-05,\"ci, east\",\"bob \"\"b\"\"\",\"multi\r\nline\"\r\n\r\n",
        "\n\n  [ {\"controller\": \"ci\", \"user\": \"al\\u00e9\\ud83d\\ude00\", \"name\": \"a\\\"b\\n\","
            + " \"uuid\": \"\(uuidA)\", \"created\": \"2026-01-05\"},\n{\"controller\": \"c\", \"user\": \"u\","
            + " \"name\": \"n\", \"uuid\": \"\(uuidB)\", \"created\": \"2026-01-05\"} ]\n",
        "controller,user,name,uuid,created\nci,alice,ci,not-a-uuid,2026-01-05\n",
        "controller,user,name,uuid,created\nci,\"alice,ci,\(uuidA),2026-01-05\n",
        "[{\"controller\": \"ci\", \"user\": \"\\ud83d\", \"name\": \"n\", \"uuid\": \"\(uuidA)\", \"created\": \"x\"}]",
        "[{\"controller\": \"ci\"}] trailing",
        "[]",
        "   \n\t",
    ]

    /// The tokens a reader gives with chunks of `size` bytes, or the error it stops with.
    static func read(_ text: String, chunks size: Int) -> Result<[ImportedToken], InventoryImportError> {
        var rest = Array(text.utf8)[...]
        var reader = InventoryImportReader(fileName: "t") { buffer in
            let count = min(size, buffer.count, rest.count)
            buffer.copyBytes(from: rest.prefix(count))
            rest = rest.dropFirst(count)
            return count
        }
        var tokens: [ImportedToken] = []
        do {
            while let token = try reader.next() { tokens.append(token) }
            return .success(tokens)
        } catch {
            return .failure(error as! InventoryImportError)
        }
    }

    @Test("any chunk size reads what a parse of the whole text reads", arguments: texts.indices)
    func chunkSizes(index: Int) {
        let text = Self.texts[index]
        let whole = Result { try InventoryImport.parse(text, fileName: "t") }.mapError { $0 as! InventoryImportError }
        for size in [1, 2, 3, 7, 64, 1 << 20] {
            #expect(Self.read(text, chunks: size) == whole, "chunks of \(size)")
        }
    }

    @Test("a value that is not UTF-8 is refused with its line, not replaced")
    func notUTF8() {
        var bytes = Array("controller,user,name,uuid,created\nci,al".utf8) + [0xFF, 0xFE]
        bytes += Array(",ci,\(Self.uuidA),2026-01-05\n".utf8)
        var reader = InventoryImportReader(bytes: bytes, fileName: "t.csv")
        #expect(throws: InventoryImportError.notUTF8(file: "t.csv", line: 2)) { try reader.next() }
    }

    @Test("one record's memory is bounded too: a 64 KiB value and 256 fields at most")
    func boundedRecords() {
        let long = String(repeating: "x", count: (64 << 10) + 1)
        var csv = InventoryImportReader(
            bytes: Array("controller,user,name,uuid,created\n\(long)".utf8), fileName: "t.csv")
        #expect(throws: InventoryImportError.valueTooLong(file: "t.csv", line: 2)) { try csv.next() }
        var json = InventoryImportReader(bytes: Array("[{\"controller\": \"\(long)\"".utf8), fileName: "t.json")
        #expect(throws: InventoryImportError.valueTooLong(file: "t.json", line: 1)) { try json.next() }
        var wide = InventoryImportReader(
            bytes: Array(("controller,user,name,uuid,created\n" + String(repeating: ",", count: 300)).utf8),
            fileName: "t.csv")
        #expect(throws: InventoryImportError.tooManyFields(file: "t.csv", line: 2)) { try wide.next() }
    }

    @Test("a long stream is read a token at a time: the reader asks for more only as it goes")
    func pullsAsItGoes() throws {
        let header = Array("controller,user,name,uuid,created\n".utf8)
        let row = Array("ci,alice,ci,\(Self.uuidA),2026-01-05\n".utf8)
        var handedOver = 0
        var sent = false
        var reader = InventoryImportReader(fileName: "t.csv") { buffer in
            // Header first, then one row per call, forever.
            let bytes = sent ? row : header
            sent = true
            buffer.copyBytes(from: bytes)
            handedOver += bytes.count
            return bytes.count
        }
        for _ in 0..<1_000 { _ = try #require(try reader.next()) }
        #expect(handedOver < header.count + 1_002 * row.count)
    }
}

@Suite("Import values: trimming and UTF-8")
struct ImportValueTests {
    @Test("blanks around a value are trimmed as CharacterSet.whitespaces does, Unicode spaces included")
    func trimming() {
        for text in ["alice", " alice\t", "\u{00A0}al ice\u{3000}", "  ", "", "é", " é ", "a\n", "\u{2003}"] {
            #expect(InventoryImport.trimmingBlanks(text) == text.trimmingCharacters(in: .whitespaces), "\(text)")
        }
    }

    @Test("UTF-8 text is decoded, anything else refused")
    func utf8() {
        #expect(InventoryImport.text(ofUTF8: Array("ci-é".utf8)) == "ci-é")
        #expect(InventoryImport.text(ofUTF8: [0x61, 0xC3]) == nil)
    }
}
