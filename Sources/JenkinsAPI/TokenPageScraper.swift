import Foundation
import RotatorCore

/// Reads the API tokens listed on `/user/<id>/security/` (or `/user/<id>/configure` before 2.468):
/// Jenkins has no REST API for them (jenkins-api.md §7). Two markups exist:
/// - 2.505 and later: `<div class="token-card …" id="<uuid>">` holding `<span class="token-name">NAME</span>`;
/// - up to 2.504: `<div class="token-list-item …">` holding `<input name="tokenUuid" value="<uuid>">` and
///   `<input name="tokenName" value="NAME">`.
/// The hidden "new token" template rows carry the same classes with an empty uuid and are skipped.
enum TokenPageScraper {
    static func tokens(inPage html: String) -> [ListedToken] {
        var tokens: [ListedToken] = []
        var seen: Set<String> = []
        var current: (uuid: String, name: String?)?
        var capturingCardName = false
        var cardName = ""

        func cardNameText() -> String {
            HTMLTokenizer.decodeEntities(cardName).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func finish() {
            if capturingCardName {
                current?.name = cardNameText()
                capturingCardName = false
            }
            if let item = current, !item.uuid.isEmpty, !seen.contains(item.uuid) {
                seen.insert(item.uuid)
                tokens.append(ListedToken(name: item.name ?? "", uuid: item.uuid))
            }
            current = nil
        }

        var tokenizer = HTMLTokenizer(html)
        while let piece = tokenizer.next() {
            switch piece {
            case .text(let text):
                if capturingCardName { cardName += text }
            case .endTag(let name):
                if capturingCardName, name == "span" {
                    current?.name = cardNameText()
                    capturingCardName = false
                }
            case .startTag(let name, let attributes):
                let classes = attributes["class"].map { $0.split(separator: " ").map(String.init) } ?? []
                if name == "div", classes.contains("token-card") {
                    finish()
                    current = (attributes["id"] ?? "", nil)
                } else if name == "div", classes.contains("token-list-item") {
                    finish()
                    current = ("", nil)
                } else if current != nil {
                    if name == "span", classes.contains("token-name") {
                        capturingCardName = true
                        cardName = ""
                    } else if name == "input", attributes["name"] == "tokenUuid" {
                        current?.uuid = attributes["value"] ?? ""
                    } else if name == "input", attributes["name"] == "tokenName" {
                        current?.name = attributes["value"] ?? ""
                    }
                }
            }
        }
        finish()
        return tokens
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
