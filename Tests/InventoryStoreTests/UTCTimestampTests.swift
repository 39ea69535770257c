import Foundation
import RotatorTestSupport
import Testing

@_spi(Testing) @testable import InventoryStore

@Suite("Stored timestamps")
struct UTCTimestampTests {
    @Test(
        "instants format as fixed-width UTC text and parse back exactly",
        arguments: [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (1_767_571_200.0, "2026-01-05T00:00:00.000Z"),
            (1_767_571_200.123, "2026-01-05T00:00:00.123Z"),
            (951_782_400.0, "2000-02-29T00:00:00.000Z"),
            (-1.5, "1969-12-31T23:59:58.500Z"),
            (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
        ])
    func roundTrip(seconds: Double, text: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(UTCTimestamp.string(from: date) == text)
        let parsed = try #require(UTCTimestamp.date(from: text))
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.000_5)
        #expect(UTCTimestamp.string(from: parsed) == text)
    }

    @Test("text order is time order")
    func sortsLikeTime() {
        let dates = stride(from: -86_400.0 * 400, to: 86_400.0 * 20_000, by: 86_400.0 * 37.3).map {
            Date(timeIntervalSince1970: $0)
        }
        let texts = dates.map(UTCTimestamp.string(from:))
        #expect(texts == texts.sorted())
        #expect(texts.allSatisfy { $0.utf8.count == UTCTimestamp.width })
    }

    @Test(
        "anything but the canonical form is refused",
        arguments: [
            "2026-01-05", "2026-01-05T00:00:00Z", "2026-01-05 00:00:00.000", "2026-02-30T00:00:00.000Z",
            "2026-13-05T00:00:00.000Z", "2026-01-05T24:00:00.000Z", "2026-01-05T00:00:00.000+",
            "x026-01-05T00:00:00.000Z",
        ])
    func refusesOtherForms(text: String) {
        #expect(UTCTimestamp.date(from: text) == nil)
    }

    @Test("a hand-edited timestamp in the database is reported with its table, column and value")
    func badStoredValue() throws {
        let inventory = try Inventory.inMemory()
        try inventory.add(sampleToken(1), addedAt: addedAt)
        try inventory.executeRawSQL("UPDATE tokens SET created = '2026-01-05 10:00' WHERE id = 1")
        let error = #expect(throws: InventoryError.self) { try inventory.tokens() }
        #expect(
            error
                == .invalidStoredValue(path: ":memory:", table: "tokens", column: "created", value: "2026-01-05 10:00"))
    }
}
