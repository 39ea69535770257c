import RotatorCore
import Testing

@Suite("TimeSpan parsing")
struct TimeSpanTests {
    @Test(
        "parses single units and sums",
        arguments: [
            ("30s", Int64(30)), ("15m", 900), ("12h", 43_200), ("90d", 7_776_000), ("2w", 1_209_600),
            ("1d12h", 129_600), ("0s", 0), ("1w2d3h4m5s", 788_645), (" 7d ", 604_800),
        ])
    func parses(text: String, seconds: Int64) {
        #expect(TimeSpan(parsing: text)?.seconds == seconds)
    }

    @Test(
        "rejects text that is not a duration",
        arguments: [
            "", "   ", "5", "5x", "-5d", "1.5d", "d", "1d2", "5 d", "9223372036854775807w", "99999999999999999999s",
        ])
    func rejects(text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }

    @Test(
        "prints the shortest form",
        arguments: [(Int64(0), "0s"), (30, "30s"), (129_600, "1d12h"), (1_209_600, "14d"), (3_661, "1h1m1s")])
    func prints(seconds: Int64, text: String) {
        #expect(TimeSpan(seconds: seconds).description == text)
    }

    @Test("printing and parsing round-trip")
    func roundTrip() {
        for seconds: Int64 in [1, 59, 60, 3_599, 86_399, 86_401, 7_776_000, 123_456_789] {
            let span = TimeSpan(seconds: seconds)
            #expect(TimeSpan(parsing: span.description) == span)
        }
    }

    @Test(
        "a rough description keeps the two largest units present",
        arguments: [
            (Int64(0), "0s"), (42, "42s"), (3_661, "1h1m"), (18_120, "5h2m"), (6_922_800, "80d3h"), (86_460, "1d1m"),
            (86_400, "1d"), (-90, "-1m30s"), (Int64.min, "-106751991167300d15h"),
        ])
    func roughDescription(seconds: Int64, text: String) {
        #expect(TimeSpan(seconds: seconds).roughDescription == text)
    }
}
