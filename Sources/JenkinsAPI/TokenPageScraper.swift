import Foundation
import RotatorCore

/// What a security page shows about API tokens: nothing at all (no section: a proxy's page, a login form, a
/// plugin's rendering) is not the same as a section with no tokens.
struct TokenPage: Equatable {
    var tokens: [ListedToken]
}

/// Reads the API tokens listed on `/user/<id>/security/` (or `/user/<id>/configure` before 2.468):
/// Jenkins has no REST API for them (jenkins-api.md §7). Both markups of `ApiTokenProperty/config.jelly` wrap
/// the list in `<div class="token-list …">`; that section is the evidence that the page lists tokens at all.
/// - 2.505 and later: `<div class="token-card …" id="<uuid>">` holding `<span class="token-name">NAME</span>`;
/// - up to 2.504: `<div class="token-list-item …">` holding `<input name="tokenUuid" value="<uuid>">` and
///   `<input name="tokenName" value="NAME">`.
/// The hidden "new token" templates carry the same classes with an empty or missing uuid and are skipped.
/// Creation and usage come from the English phrases of `config.properties` and `Messages.properties`
/// ("Created 3 day(s) ago", "Used <b>N</b> time(s), last time was <b>M</b> day(s) ago", "Last used over 2 weeks
/// ago", a bare count in `span.token-use-counter`) and, where a tooltip holds an en-US medium date
/// ("Created on Nov 19, 2026, 12:00:00 PM"), from that date.
enum TokenPageScraper {
    static func tokens(inPage html: String) -> [ListedToken] {
        page(html)?.tokens ?? []
    }

    /// The tokens of a security page, or nil when the page has no API-token section.
    static func page(_ html: String, now: Date = Date()) -> TokenPage? {
        var tokens: [ListedToken] = []
        var seen: Set<String> = []
        var hasSection = false
        var item: ItemScan?
        var depth = 0

        func finish() {
            if let scan = item, !scan.uuid.isEmpty, seen.insert(scan.uuid).inserted {
                tokens.append(scan.token(now: now))
            }
            item = nil
        }

        var tokenizer = HTMLTokenizer(html)
        while let piece = tokenizer.next() {
            switch piece {
            case .text(let text):
                item?.addText(text)
            case .endTag(let name):
                item?.close(name)
                if name == "div" {
                    depth -= 1
                    if let scan = item, depth < scan.depth { finish() }
                }
            case .startTag(let name, let attributes):
                let classes = attributes["class"].map { $0.split(separator: " ").map(String.init) } ?? []
                if name == "div" {
                    if classes.contains("token-list") { hasSection = true }
                    if classes.contains("token-card") || classes.contains("token-list-item") {
                        finish()
                        item = ItemScan(
                            uuid: classes.contains("token-card") ? attributes["id"] ?? "" : "", depth: depth + 1,
                            legacy: classes.contains("legacy-token"))
                    }
                    depth += 1
                }
                item?.open(name, classes: classes, attributes: attributes)
            }
        }
        finish()
        return hasSection ? TokenPage(tokens: tokens) : nil
    }
}

/// What one token's card or row says, gathered while the tokenizer walks it.
private struct ItemScan {
    var uuid: String
    let depth: Int
    let legacy: Bool
    var name: String?
    var text = ""
    var creationTip: String?
    var dateTips: [String] = []
    var counterText: String?
    private var capture: Capture?

    private enum Capture {
        case name(String)
        case counter(String)
    }

    init(uuid: String, depth: Int, legacy: Bool) {
        self.uuid = uuid
        self.depth = depth
        self.legacy = legacy
    }

    mutating func open(_ tag: String, classes: [String], attributes: [String: String]) {
        let tip = attributes["tooltip"] ?? attributes["title"]
        if classes.contains("token-creation") {
            creationTip = tip
        } else if let tip, TokenPhrases.day(inDate: tip) != nil {
            dateTips.append(tip)
        }
        if tag == "span", classes.contains("token-name") {
            capture = .name("")
        } else if tag == "span", classes.contains("token-use-counter") {
            capture = .counter("")
        } else if tag == "input", attributes["name"] == "tokenUuid" {
            uuid = attributes["value"] ?? ""
        } else if tag == "input", attributes["name"] == "tokenName" {
            name = attributes["value"] ?? ""
        }
    }

    mutating func addText(_ piece: String) {
        text += piece + " "
        switch capture {
        case .name(let sofar): capture = .name(sofar + piece)
        case .counter(let sofar): capture = .counter(sofar + piece)
        case nil: break
        }
    }

    mutating func close(_ tag: String) {
        guard tag == "span", let capture else { return }
        switch capture {
        case .name(let text):
            name = HTMLTokenizer.decodeEntities(text).trimmingCharacters(in: .whitespacesAndNewlines)
        case .counter(let text):
            counterText = HTMLTokenizer.decodeEntities(text)
        }
        self.capture = nil
    }

    func token(now: Date) -> ListedToken {
        let flat = HTMLTokenizer.decodeEntities(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var token = ListedToken(name: name ?? "", uuid: uuid, legacy: legacy)
        // An exact phrase first, then a tooltip's date, then a coarse phrase (a lower bound).
        let created = legacy ? nil : TokenPhrases.created(in: flat)
        if let created, created.1 {
            (token.createdDaysAgo, token.createdDaysExact) = (created.0, true)
        } else if !legacy, let tip = creationTip, let day = TokenPhrases.day(inDate: tip) {
            (token.createdDaysAgo, token.createdDaysExact) = (TokenPhrases.days(from: day, to: now), true)
        } else if let created {
            (token.createdDaysAgo, token.createdDaysExact) = (created.0, false)
        }
        if let (count, lastDays) = TokenPhrases.oldUsage(in: flat) {
            token.useCount = count
            token.lastUsedDaysAgo = lastDays
        } else if let counter = counterText.flatMap(TokenPhrases.number), !flat.contains("Never used") {
            token.useCount = counter
            let phrase = TokenPhrases.lastUsed(in: flat)
            if let phrase, phrase.1 {
                token.lastUsedDaysAgo = phrase.0
            } else if let tip = dateTips.first, let day = TokenPhrases.day(inDate: tip) {
                token.lastUsedDaysAgo = TokenPhrases.days(from: day, to: now)
            } else {
                token.lastUsedDaysAgo = phrase?.0
            }
        } else if flat.contains("Never used") {
            token.useCount = 0
        }
        return token
    }
}

/// The English phrases of `ApiTokenProperty` (`config.properties`, `Messages.properties`) and en-US medium dates.
enum TokenPhrases {
    /// `1,234` → 1234.
    static func number(_ text: String) -> Int? {
        Int(text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ",", with: ""))
    }

    /// "Used N time(s), last time was M day(s) ago" (up to 2.504, `<b>` tags already gone).
    static func oldUsage(in text: String) -> (Int, Int)? {
        guard let match = text.firstMatch(of: /Used ([\d,]+) time\(s\), last time was ([\d,]+) day\(s\) ago/),
            let count = number(String(match.1)), let days = number(String(match.2))
        else { return nil }
        return (count, days)
    }

    /// "Created …": days and whether they are exact.
    static func created(in text: String) -> (Int, Bool)? {
        if let match = text.firstMatch(of: /Created ([\d,]+) day\(s\) ago/), let days = number(String(match.1)) {
            return (days, true)
        }
        guard let match = text.firstMatch(of: /Created (today|yesterday|just now|(?:over )?(?:a|[\d,]+) [a-z]+ ago)/)
        else { return nil }
        return ago(String(match.1))
    }

    /// "Last used …": days and whether they are exact (else a lower bound).
    static func lastUsed(in text: String) -> (Int, Bool)? {
        guard let match = text.firstMatch(of: /Last used (today|yesterday|(?:over )?(?:a|[\d,]+) [a-z]+ ago)/) else {
            return nil
        }
        return ago(String(match.1))
    }

    /// `TokenInfoAndStats#createdDaysAgo`'s and `#lastUsedDaysAgo`'s periods, after "Created"/"Last used".
    static func ago(_ phrase: String) -> (Int, Bool)? {
        switch phrase {
        case "today", "just now": return (0, true)
        case "yesterday": return (1, true)
        case "over a week ago": return (7, false)
        case "over a month ago": return (30, false)
        case "over a year ago": return (365, false)
        default: break
        }
        guard let match = phrase.wholeMatch(of: /(over )?([\d,]+) (days|weeks|months|years) ago/),
            let amount = number(String(match.2))
        else { return nil }
        switch match.3 {
        case "days": return (amount, match.1 == nil)
        case "weeks": return (amount * 7, false)
        case "months": return (amount * 30, false)
        default: return (amount * 365, false)
        }
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The day of an en-US medium date such as `Nov 19, 2026, 12:00:00 PM` (optionally after "Created on "),
    /// as midnight UTC.
    static func day(inDate text: String) -> Date? {
        guard let match = text.firstMatch(of: /([A-Z][a-z]{2}) (\d{1,2}), (\d{4})/),
            let month = months.firstIndex(of: String(match.1)), let day = Int(match.2), let year = Int(match.3)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: DateComponents(year: year, month: month + 1, day: day))
    }

    /// Whole days from the UTC day of `day` to the UTC day of `now`.
    static func days(from day: Date, to now: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let days = calendar.dateComponents(
            [.day], from: calendar.startOfDay(for: day), to: calendar.startOfDay(for: now))
        return max(0, days.day ?? 0)
    }
}

/// A forgiving HTML tokenizer: start tags with their attributes (values entity-decoded), end tags and text.
/// Comments, doctype and the contents of `<script>`/`<style>` are skipped.
struct HTMLTokenizer: IteratorProtocol {
    enum Piece: Equatable {
        case startTag(String, [String: String])
        case endTag(String)
        case text(String)
    }

    private let bytes: [UInt8]
    private var index = 0
    private var rawTextEnd: String?

    init(_ html: String) {
        bytes = Array(html.utf8)
    }

    mutating func next() -> Piece? {
        while index < bytes.count {
            if let closing = rawTextEnd {
                rawTextEnd = nil
                skip(pastCaseInsensitive: "</\(closing)")
                continue
            }
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                return .text(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            if starts(with: "<!--") {
                skip(past: "-->")
                continue
            }
            if starts(with: "<!") || starts(with: "<?") {
                skip(past: ">")
                continue
            }
            if starts(with: "</") {
                index += 2
                let name = readName()
                skip(past: ">")
                if !name.isEmpty { return .endTag(name) }
                continue
            }
            index += 1
            let name = readName()
            guard !name.isEmpty else { return .text("<") }
            let attributes = readAttributes()
            if name == "script" || name == "style" { rawTextEnd = name }
            return .startTag(name, attributes)
        }
        return nil
    }

    private func starts(with prefix: String) -> Bool {
        let prefixBytes = Array(prefix.utf8)
        guard index + prefixBytes.count <= bytes.count else { return false }
        return Array(bytes[index..<index + prefixBytes.count]) == prefixBytes
    }

    private mutating func skip(past terminator: String) {
        while index < bytes.count, !starts(with: terminator) { index += 1 }
        index = min(bytes.count, index + terminator.utf8.count)
    }

    private mutating func skip(pastCaseInsensitive terminator: String) {
        let target = Array(terminator.lowercased().utf8)
        while index < bytes.count {
            if index + target.count <= bytes.count,
                bytes[index..<index + target.count].map(Self.lowercased) == target
            {
                break
            }
            index += 1
        }
        skip(past: ">")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    private mutating func readName() -> String {
        let start = index
        while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"),
            bytes[index] != UInt8(ascii: "/")
        {
            index += 1
        }
        return String(decoding: bytes[start..<index].map(Self.lowercased), as: UTF8.self)
    }

    private mutating func readAttributes() -> [String: String] {
        var attributes: [String: String] = [:]
        while index < bytes.count {
            while index < bytes.count, Self.isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") {
                index += 1
            }
            guard index < bytes.count, bytes[index] != UInt8(ascii: ">") else { break }
            let nameStart = index
            while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="),
                bytes[index] != UInt8(ascii: ">")
            {
                index += 1
            }
            let name = String(decoding: bytes[nameStart..<index].map(Self.lowercased), as: UTF8.self)
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            var value = ""
            if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    let quote = bytes[index]
                    index += 1
                    let valueStart = index
                    while index < bytes.count, bytes[index] != quote { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                    index = min(bytes.count, index + 1)
                } else {
                    let valueStart = index
                    while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") {
                        index += 1
                    }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                }
            }
            if !name.isEmpty, attributes[name] == nil {
                attributes[name] = Self.decodeEntities(value)
            }
        }
        index = min(bytes.count, index + 1)
        return attributes
    }

    /// Decodes the entities Jenkins' Jelly escaping produces: named `&amp; &lt; &gt; &quot; &apos;` and
    /// numeric `&#NN;`/`&#xNN;`.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let afterAmpersand = rest[ampersand...].dropFirst()
            guard let semicolon = afterAmpersand.prefix(10).firstIndex(of: ";") else {
                result += "&"
                rest = afterAmpersand
                continue
            }
            let entity = afterAmpersand[..<semicolon]
            if let decoded = decode(entity: entity) {
                result += decoded
                rest = afterAmpersand[semicolon...].dropFirst()
            } else {
                result += "&"
                rest = afterAmpersand
            }
        }
        return result + rest
    }

    private static func decode(entity: Substring) -> String? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{00A0}"
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let code =
                digits.hasPrefix("x") || digits.hasPrefix("X")
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return code.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }
}
