/// The `{…}` placeholders that token names, sink paths and sink argv may hold (SPEC §3).
public enum PolicyPlaceholder: String, Sendable, CaseIterable {
    case name, user, controller, date, rotation

    /// `{name} {user} {controller} {date} {rotation}`, for messages and docs.
    public static var allSpelled: String {
        allCases.map { "{\($0.rawValue)}" }.joined(separator: " ")
    }
}

extension PolicyNode {
    /// Checks that every `{…}` in `template` is a known placeholder and every `{` is closed.
    func checkPlaceholders(in template: String) throws {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw error("has a { that is never closed", fix: "placeholders are \(PolicyPlaceholder.allSpelled)")
            }
            let name = rest[rest.index(after: open)..<close]
            guard PolicyPlaceholder(rawValue: String(name)) != nil else {
                let fix: String
                if ["token", "value", "secret", "password"].contains(name.lowercased()) {
                    fix =
                        "the token value is never put in names, paths or argv (a command sink reads it on stdin); "
                        + "placeholders are \(PolicyPlaceholder.allSpelled)"
                } else {
                    fix = "placeholders are \(PolicyPlaceholder.allSpelled)"
                }
                throw error("unknown placeholder {\(name)}", fix: fix)
            }
            rest = rest[rest.index(after: close)...]
        }
    }
}
