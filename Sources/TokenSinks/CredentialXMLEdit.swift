import Foundation
import RotatorCore

/// Puts a new secret into a credential's XML (jenkins-api.md §10): the content of the one secret element
/// (`<password>` or `<secret>`) becomes the value, with nothing around it (Jenkins keeps whitespace inside the
/// element verbatim, §15); every other byte of the document stays as Jenkins served it.
enum CredentialXMLEdit {
    enum Problem: Error, Equatable {
        /// The root element is another credential class than the policy's `kind`.
        case otherKind(found: String)
        /// No secret element, or more than one.
        case secretElementCount(Int)
    }

    static func replacingSecret(in document: String, kind: CredentialKind, with value: Secret) throws -> Secret {
        let root = rootElement(of: document)
        guard root == kind.className else { throw Problem.otherKind(found: root ?? "no XML root element") }
        let name = NSRegularExpression.escapedPattern(for: kind.secretElement)
        // `<password>…</password>` (content may hold `<secret-redacted/>`) or `<password/>`.
        let pattern = "<\(name)(\\s[^>]*)?(/>|>(.*?)</\(name)\\s*>)"
        let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        // Only inside the root element: text in the prolog or a comment before it is not an element (found by
        // fuzzing: a `<password>` inside `<?xml … ?>` matched across into the document and changed its root).
        let body = rootStart(of: document) ?? document.endIndex
        let matches = regex.matches(in: document, range: NSRange(body..., in: document))
        guard matches.count == 1, let range = Range(matches[0].range, in: document) else {
            throw Problem.secretElementCount(matches.count)
        }
        let element = "<\(kind.secretElement)>\(escape(value.reveal()))</\(kind.secretElement)>"
        return Secret(document.replacingCharacters(in: range, with: element))
    }

    /// The name of the first element after the prolog and comments.
    static func rootElement(of document: String) -> String? {
        guard let start = rootStart(of: document) else { return nil }
        let name = document[start...].dropFirst().prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
        return name.isEmpty ? nil : String(name)
    }

    /// Where the root element's start tag begins: after the prolog, processing instructions and comments.
    static func rootStart(of document: String) -> String.Index? {
        var rest = Substring(document)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("<?"), let end = rest.range(of: "?>") {
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("<!--"), let end = rest.range(of: "-->") {
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        return rest.hasPrefix("<") ? rest.startIndex : nil
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
