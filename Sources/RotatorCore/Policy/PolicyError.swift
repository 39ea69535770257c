/// Why a rotation policy cannot be used. It prints as one line that names the file, the line, the key
/// and the fix: `policy.yml:14: rules[1].max_age: "9x" is not a duration; use 30s, 15m, 12h, 90d, 2w …`.
///
/// Messages never hold a secret: where a value might be one (a `token:` key, a `*_env` value that does
/// not look like a variable name, a password in a URL), the message names the key and leaves the value out.
public struct PolicyError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The policy file as the caller named it (or the `source` given to ``PolicyLoader/parse(_:source:)``).
    public var file: String
    /// 1-based line of the offending key or value; nil when the problem is the file itself.
    public var line: Int?
    /// Dotted key path such as `controllers.ci-main.auth.user` or `rules[1].max_age`; empty for the whole file.
    public var keyPath: String
    /// What is wrong.
    public var problem: String
    /// What to do about it; empty when there is nothing useful to add.
    public var fix: String

    public init(file: String, line: Int?, keyPath: String, problem: String, fix: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.problem = problem
        self.fix = fix
    }

    /// `<file>:<line>: <key.path>: <what is wrong>; <how to fix>`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !keyPath.isEmpty { text += keyPath + ": " }
        text += problem
        if !fix.isEmpty { text += "; " + fix }
        return text
    }
}
