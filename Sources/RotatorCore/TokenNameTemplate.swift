import Foundation

/// A placeholder that `token_name`, file sink paths and command sink argv may hold.
public enum Placeholder: String, Sendable, CaseIterable {
    /// The name of the token being rotated (as the inventory knows it).
    case name
    /// The Jenkins user the token belongs to.
    case user
    /// The controller id from the policy.
    case controller
    /// The day of the rotation, `yyyy-MM-dd` in UTC.
    case date
    /// The rotation's journal id.
    case rotation
}

/// What each ``Placeholder`` stands for in one rotation.
public struct PlaceholderValues: Sendable, Equatable {
    public var name: String
    public var user: String
    public var controller: String
    /// The instant of the rotation; `{date}` is its UTC day.
    public var rotationInstant: Date
    /// The rotation's journal id, as text.
    public var rotation: String

    public init(name: String, user: String, controller: String, rotationInstant: Date, rotation: String) {
        self.name = name
        self.user = user
        self.controller = controller
        self.rotationInstant = rotationInstant
        self.rotation = rotation
    }

    /// `{date}`: the UTC day of ``rotationInstant`` as `yyyy-MM-dd`.
    public var date: String { Timestamp.day(rotationInstant) }

    public func value(of placeholder: Placeholder) -> String {
        switch placeholder {
        case .name: name
        case .user: user
        case .controller: controller
        case .date: date
        case .rotation: rotation
        }
    }
}

/// Why a template could not be rendered. Messages quote the template and say how to fix it.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    /// `{something}` that is not one of ``Placeholder``.
    case unknownPlaceholder(String, template: String)
    /// A `{` without its `}`.
    case unclosedPlaceholder(template: String)
    /// A NUL character in the template or in a substituted value.
    case nulCharacter(template: String)
    /// In path mode, a substituted value that would leave its folder (empty, `.`, `..`, or holding `/`).
    case unsafePathValue(placeholder: Placeholder, value: String, template: String)
    /// In path mode, the rendered path is not absolute or does not end in a file name.
    case notAFilePath(rendered: String, template: String)

    public var description: String {
        let known = Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: " ")
        switch self {
        case .unknownPlaceholder(let name, let template):
            return "unknown placeholder {\(name)} in \"\(template)\"; the placeholders are \(known)"
        case .unclosedPlaceholder(let template):
            return "a \"{\" in \"\(template)\" is not closed by \"}\"; placeholders are written like {name}"
        case .nulCharacter(let template):
            return "\"\(template)\" renders to text holding a NUL character, which no file name or argument may contain"
        case .unsafePathValue(let placeholder, let value, let template):
            let shown = value.replacingOccurrences(of: "\0", with: "\\0")
            return "{\(placeholder.rawValue)} is \"\(shown)\", which cannot go into the path \"\(template)\": "
                + "a value that is empty, \".\" or \"..\", or that holds \"/\", would leave its folder; "
                + "rename the \(placeholder.rawValue) or drop the placeholder from the path"
        case .notAFilePath(let rendered, let template):
            return "the path \"\(template)\" renders to \"\(rendered)\", which is not an absolute path to a file; "
                + "write it as /folder/…/file"
        }
    }
}

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
