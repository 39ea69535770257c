import Foundation

/// Renders the placeholders of `token_name`, file sink paths and command sink argv (SPEC §3).
///
/// `{name}`, `{user}`, `{controller}`, `{date}` and `{rotation}` are replaced by their
/// ``PlaceholderValues``; any other `{…}` is an error, and a `}` on its own is literal text.
public enum TokenNameTemplate {
    /// How strictly substituted values are checked.
    public enum Mode: Sendable {
        /// Token names and command arguments: any value goes (except NUL).
        case text
        /// File paths: no value may leave its folder, and the result must be an absolute file path.
        case path
    }

    /// The placeholders `template` uses, in order; throws for unknown or unclosed ones.
    /// The policy loader calls it to reject a bad template before any rotation.
    public static func placeholders(in template: String) throws -> [Placeholder] {
        try parse(template).compactMap {
            if case .placeholder(let placeholder) = $0 { return placeholder }
            return nil
        }
    }

    /// Throws the error ``render(_:values:mode:)`` would throw for any values, if any.
    public static func validate(_ template: String) throws {
        _ = try placeholders(in: template)
    }

    /// Replaces every placeholder in `template` by its value.
    public static func render(_ template: String, values: PlaceholderValues, mode: Mode = .text) throws -> String {
        var rendered = ""
        for part in try parse(template) {
            switch part {
            case .literal(let text):
                rendered += text
            case .placeholder(let placeholder):
                let value = values.value(of: placeholder)
                if mode == .path, !isSafePathValue(value) {
                    throw TemplateError.unsafePathValue(placeholder: placeholder, value: value, template: template)
                }
                rendered += value
            }
        }
        if rendered.contains("\0") {
            throw TemplateError.nulCharacter(template: template)
        }
        if mode == .path, !isAbsoluteFilePath(rendered) {
            throw TemplateError.notAFilePath(rendered: rendered, template: template)
        }
        return rendered
    }

    /// ``render(_:values:mode:)`` in ``Mode/path`` mode.
    public static func renderPath(_ template: String, values: PlaceholderValues) throws -> String {
        try render(template, values: values, mode: .path)
    }

    /// Whether `candidate` is a name `template` can render with the `fixed` placeholder values, any other
    /// placeholder standing for the text it can take: `{date}` a `yyyy-MM-dd` day, `{rotation}` a journal id,
    /// anything else one or more characters. `reconcile` uses it to tell the names the tool mints.
    public static func matches(_ candidate: String, template: String, fixed: [Placeholder: String]) -> Bool {
        guard let parts = try? parse(template) else { return false }
        var pattern = "^"
        for part in parts {
            switch part {
            case .literal(let text):
                pattern += NSRegularExpression.escapedPattern(for: text)
            case .placeholder(let placeholder):
                if let value = fixed[placeholder] {
                    pattern += NSRegularExpression.escapedPattern(for: value)
                } else if placeholder == .date {
                    pattern += "[0-9]{4}-[0-9]{2}-[0-9]{2}"
                } else if placeholder == .rotation {
                    pattern += "[0-9]+"
                } else {
                    pattern += ".+"
                }
            }
        }
        pattern += "$"
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
            return false
        }
        let range = NSRange(candidate.startIndex..., in: candidate)
        return regex.firstMatch(in: candidate, options: [], range: range) != nil
    }

    private enum Part {
        case literal(String)
        case placeholder(Placeholder)
    }

    private static func parse(_ template: String) throws -> [Part] {
        var parts: [Part] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex {
                parts.append(.literal(String(rest[..<open])))
            }
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else {
                throw TemplateError.unclosedPlaceholder(template: template)
            }
            let name = String(rest[afterOpen..<close])
            guard let placeholder = Placeholder(rawValue: name) else {
                throw TemplateError.unknownPlaceholder(name, template: template)
            }
            parts.append(.placeholder(placeholder))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty {
            parts.append(.literal(String(rest)))
        }
        return parts
    }

    private static func isSafePathValue(_ value: String) -> Bool {
        !value.isEmpty && value != "." && value != ".." && !value.contains("/") && !value.contains("\0")
    }

    private static func isAbsoluteFilePath(_ path: String) -> Bool {
        guard path.hasPrefix("/"), let last = path.split(separator: "/", omittingEmptySubsequences: false).last
        else { return false }
        return !last.isEmpty && last != "." && last != ".."
    }
}
