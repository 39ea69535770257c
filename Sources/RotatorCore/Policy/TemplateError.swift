import Foundation

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
