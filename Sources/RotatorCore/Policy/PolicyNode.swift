import Yams

/// One node of the policy's YAML tree with the key path that leads to it, so that every
/// conversion can fail with a ``PolicyError`` naming the file, the line and the key.
struct PolicyNode {
    let node: Node
    let path: String
    let source: String

    /// Keys that would hold a secret written inline; refused wherever they appear.
    static let inlineSecretKeys: Set<String> = [
        "token", "password", "passwd", "secret", "value", "api_token", "apitoken", "api_key", "apikey",
    ]
    static let inlineSecretProblem = "secrets may not be written in the policy"
    static let inlineSecretFix = "use token_env/token_file/password_env/password_file"

    var line: Int? { node.mark?.line }

    func error(_ problem: String, fix: String = "") -> PolicyError {
        PolicyError(file: source, line: line, keyPath: path, problem: problem, fix: fix)
    }

    func child(_ key: String, _ node: Node) -> PolicyNode {
        PolicyNode(node: node, path: path.isEmpty ? key : "\(path).\(key)", source: source)
    }

    func element(_ index: Int, _ node: Node) -> PolicyNode {
        PolicyNode(node: node, path: "\(path)[\(index)]", source: source)
    }

    /// A plain `~`, `null` or nothing at all, as in `defaults:` with no entries below it.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How the node looks, for type errors. Never shows the value: it might be a secret.
    var kindDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if isNull { return "nothing" }
            return "a single value"
        }
    }

    private func typeError(expected: String, fix: String) -> PolicyError {
        error("expected \(expected), found \(kindDescription)", fix: fix)
    }

    // MARK: Containers

    /// This node as a mapping whose keys must come from `allowedKeys`. Inline secret keys and
    /// unknown keys are errors, the latter with the closest known key as a suggestion.
    func mapping(allowedKeys: [String], fix: String = "write it as key: value lines") throws -> PolicyMap {
        let entries = try mappingEntries(fix: fix)
        for entry in entries {
            let keyPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            if Self.inlineSecretKeys.contains(entry.key.lowercased()) {
                throw PolicyError(
                    file: source, line: entry.keyLine, keyPath: keyPath, problem: Self.inlineSecretProblem,
                    fix: Self.inlineSecretFix)
            }
            if entry.key == "<<" {
                throw PolicyError(
                    file: source, line: entry.keyLine, keyPath: keyPath, problem: "YAML merge keys are not supported",
                    fix: "write the keys out; an alias (*name) may still stand for a whole value")
            }
            if !allowedKeys.contains(entry.key) {
                let fix: String
                if let suggestion = PolicyKeySuggestion.closest(to: entry.key, among: allowedKeys) {
                    fix = "did you mean \(suggestion)?"
                } else {
                    fix = "known keys here: " + allowedKeys.joined(separator: ", ")
                }
                throw PolicyError(
                    file: source, line: entry.keyLine, keyPath: keyPath, problem: "unknown key", fix: fix)
            }
        }
        return PolicyMap(owner: self, entries: entries)
    }

    /// This node's key/value pairs in file order, with keys taken as text (for maps keyed by name).
    func mappingEntries(fix: String = "write it as key: value lines") throws -> [PolicyMap.Entry] {
        guard case .mapping(let mapping) = node else {
            throw typeError(expected: "a mapping", fix: fix)
        }
        return try mapping.map { key, value in
            guard case .scalar(let scalar) = key else {
                let keyNode = PolicyNode(node: key, path: path, source: source)
                throw keyNode.error("a key must be a plain name, not \(keyNode.kindDescription)")
            }
            return PolicyMap.Entry(
                key: scalar.string, keyLine: key.mark?.line ?? line, value: child(scalar.string, value))
        }
    }

    /// This node as a list; `fix` says how the list should look.
    func sequence(fix: String) throws -> [PolicyNode] {
        guard case .sequence(let sequence) = node else {
            throw typeError(expected: "a list", fix: fix)
        }
        return sequence.enumerated().map { element($0.offset, $0.element) }
    }

    // MARK: Scalars

    /// Non-empty text. Numbers and other plain scalars count as text (a user may be called `1234`).
    func string(fix: String = "") throws -> String {
        guard case .scalar(let scalar) = node else {
            throw typeError(expected: "a single value", fix: fix)
        }
        guard !isNull, !scalar.string.isEmpty else {
            throw error("needs a value", fix: fix)
        }
        return scalar.string
    }

    /// `true` or `false`, unquoted.
    func bool() throws -> Bool {
        let fix = "use true or false"
        guard case .scalar(let scalar) = node, !isNull else {
            throw typeError(expected: "true or false", fix: fix)
        }
        guard scalar.style == .plain || scalar.style == .any else {
            throw error("expected true or false, found quoted text", fix: "remove the quotes")
        }
        switch scalar.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error("\"\(scalar.string)\" is not true or false", fix: fix)
        }
    }

    /// An unquoted whole number no smaller than `minimum`.
    func integer(minimum: Int) throws -> Int {
        let fix = "use a whole number >= \(minimum)"
        guard case .scalar(let scalar) = node, !isNull else {
            throw typeError(expected: "a whole number", fix: fix)
        }
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else {
            throw error("expected a whole number, found quoted text", fix: "remove the quotes")
        }
        guard let value = Int(text) else {
            throw error("\"\(text)\" is not a whole number", fix: fix)
        }
        guard value >= minimum else {
            throw error("\(value) is too small", fix: fix)
        }
        return value
    }

    /// The longest duration a policy may hold: keeps every sum of durations far from overflow.
    static let longestDuration = TimeSpan.days(36_500)

    /// A duration such as `30s`, `90d` or `1d12h`, at least `minimum` long.
    func duration(minimum: TimeSpan = .zero) throws -> TimeSpan {
        let fix = "use 30s, 15m, 12h, 90d, 2w or sums like 1d12h"
        guard case .scalar(let scalar) = node, !isNull else {
            throw typeError(expected: "a duration", fix: fix)
        }
        guard let span = TimeSpan(parsing: scalar.string) else {
            throw error("\"\(scalar.string)\" is not a duration", fix: fix)
        }
        guard span >= minimum else {
            throw error("must be longer than \(TimeSpan(seconds: minimum.seconds - 1))", fix: "use a longer duration")
        }
        guard span <= Self.longestDuration else {
            throw error(
                "\"\(scalar.string)\" is longer than \(Self.longestDuration) (100 years)",
                fix: "use a shorter duration")
        }
        return span
    }

    /// One of `choices`, spelled exactly.
    func choice<Value: RawRepresentable>(_ type: Value.Type, _ choices: [Value]) throws -> Value
    where Value.RawValue == String {
        let names = choices.map(\.rawValue).joined(separator: ", ")
        let text = try string(fix: "use one of \(names)")
        guard let value = Value(rawValue: text), choices.contains(where: { $0.rawValue == text }) else {
            throw error("\"\(text)\" is not one of \(names)", fix: "use one of \(names)")
        }
        return value
    }
}
