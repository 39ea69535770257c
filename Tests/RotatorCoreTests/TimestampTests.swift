import Foundation
import RotatorCore
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test(
        "parses ISO 8601 forms to the same instant",
        arguments: [
            ("2026-01-05T00:00:00Z", 1_767_571_200.0),
            ("2026-01-05", 1_767_571_200.0),
            ("2026-01-05T01:30:00+01:30", 1_767_571_200.0),
            ("2026-01-04T22:00:00-02:00", 1_767_571_200.0),
            ("2026-01-05T00:00:00.250Z", 1_767_571_200.25),
            ("2028-02-29T12:00:00Z", 1_835_438_400.0),
            ("1970-01-01T00:00:00Z", 0.0),
        ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(date.timeIntervalSince1970 == seconds)
    }

    @Test(
        "rejects what is not an instant",
        arguments: [
            "", "2026", "2026-13-01", "2026-02-30", "2027-02-29", "2026-01-05T25:00:00Z", "2026-01-05T00:00:00",
            "2026-01-05T00:00Z", "yesterday", "2026-01-05T00:00:00Zjunk", "2026-01-05T00:00:00.Z",
            "2026-01-05T00:00:60Z",
        ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test(
        "formats whole seconds in UTC and round-trips",
        arguments: [
            0.0, 1_767_571_200.0, 1_835_438_400.0, -86_400.0, 4_102_444_799.0, 253_402_300_799.0,
            1_000_000_007.0,
        ])
    func roundTrip(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let text = Timestamp.format(date)
        #expect(text.hasSuffix("Z") && text.count == 20)
        #expect(Timestamp.parse(text) == date)
        let reference = ISO8601DateFormatter()
        #expect(text == reference.string(from: date))
    }
}
