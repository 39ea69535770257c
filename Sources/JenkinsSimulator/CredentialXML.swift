import Foundation

/// Reads the flat credential documents that `…/credential/<id>/config.xml` and `createCredentials` accept:
/// one root element (the credential's class) whose children hold text. Enough for the two kinds the simulator
/// knows; anything it cannot read is "Failed to parse credential", as in the plugin.
enum CredentialXML {
    struct Document: Sendable {
        var root: String
        /// Child elements in document order: name and text content (entities decoded, whitespace kept; an element
        /// holding other elements, such as `<secret-redacted/>`, has empty text, as XStream reads it).
        var children: [(name: String, text: String)]

        func text(_ name: String) -> String? { children.first { $0.name == name }?.text }
    }

    struct ParseError: Error {}

    static func parse(_ bytes: [UInt8]) throws -> Document {
        var text = Substring(String(decoding: bytes, as: UTF8.self))
        func skipMisc() {
            while true {
                text = text.drop { $0.isWhitespace }
                if text.hasPrefix("<?"), let end = text.range(of: "?>") {
                    text = text[end.upperBound...]
                } else if text.hasPrefix("<!--"), let end = text.range(of: "-->") {
                    text = text[end.upperBound...]
                } else {
                    return
                }
            }
        }
        skipMisc()
        guard text.hasPrefix("<"), let close = text.firstIndex(of: ">") else { throw ParseError() }
        let head = text[text.index(after: text.startIndex)..<close]
        guard !head.hasSuffix("/") else { throw ParseError() }
        let root = String(head.prefix { !$0.isWhitespace })
        guard !root.isEmpty else { throw ParseError() }
        text = text[text.index(after: close)...]
        var children: [(name: String, text: String)] = []
        while true {
            skipMisc()
            guard text.hasPrefix("<") else { throw ParseError() }
            if text.hasPrefix("</") {
                guard let end = text.firstIndex(of: ">"),
                    text[text.index(text.startIndex, offsetBy: 2)..<end].trimmingCharacters(in: .whitespaces) == root
                else { throw ParseError() }
                text = text[text.index(after: end)...]
                break
            }
            guard let end = text.firstIndex(of: ">") else { throw ParseError() }
            let tag = text[text.index(after: text.startIndex)..<end]
            text = text[text.index(after: end)...]
            let name = String(tag.prefix { !$0.isWhitespace && $0 != "/" })
            guard !name.isEmpty else { throw ParseError() }
            if tag.hasSuffix("/") {
                children.append((name, ""))
                continue
            }
            guard let closing = text.range(of: "</\(name)>") else { throw ParseError() }
            let inner = text[..<closing.lowerBound]
            text = text[closing.upperBound...]
            children.append((name, inner.contains("<") ? "" : unescape(String(inner))))
        }
        skipMisc()
        guard text.isEmpty else { throw ParseError() }
        return Document(root: root, children: children)
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
