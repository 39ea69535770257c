import Yams

/// Turns policy text into a Yams node tree, translating YAML errors into ``PolicyError``s.
///
/// Yams' own messages quote the document, which may hold a secret someone pasted by mistake,
/// so only the problem and the line are kept.
enum PolicyYAML {
    static func compose(_ yaml: String, source: String) throws -> Node {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw policyError(error, yaml: yaml, source: source)
        }
        guard let node else {
            throw PolicyError(
                file: source, line: nil, keyPath: "", problem: "the policy is empty",
                fix: "start it with version: 1 and a controllers: section (see docs/policy.md)")
        }
        return node
    }

    private static func policyError(_ error: YamlError, yaml: String, source: String) -> PolicyError {
        let fix = "check the indentation, the quoting and the : after each key near this line"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var text = "YAML syntax error: \(problem)"
            if let context { text += " (\(context.text) at line \(context.mark.line))" }
            return PolicyError(file: source, line: mark.line, keyPath: "", problem: text, fix: fix)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return duplicateKeyError(key: duplicates.first ?? "", first: context.mark, yaml: yaml, source: source)
        case .reader(let problem, _, _, _):
            return PolicyError(
                file: source, line: nil, keyPath: "", problem: "cannot read the YAML: \(problem)",
                fix: "save the policy as UTF-8 text")
        default:
            return PolicyError(
                file: source, line: nil, keyPath: "", problem: "cannot parse the YAML", fix: fix)
        }
    }

    /// Yams reports a duplicate with the first occurrence only; to name the key path and the second
    /// line, rename the first occurrence, parse again and look for the pair.
    private static func duplicateKeyError(key: String, first: Mark, yaml: String, source: String) -> PolicyError {
        let fallback = PolicyError(
            file: source, line: first.line, keyPath: key, problem: "duplicate key",
            fix: "each key may appear once in a mapping; keep one")
        let marker = "zz-duplicate-marker-"
        var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard first.line >= 1, first.line <= lines.count else { return fallback }
        var scalars = Array(lines[first.line - 1].unicodeScalars)
        var offset = first.column - 1
        guard offset >= 0, offset < scalars.count else { return fallback }
        if scalars[offset] == "\"" || scalars[offset] == "'" { offset += 1 }
        scalars.insert(contentsOf: marker.unicodeScalars, at: offset)
        lines[first.line - 1] = String(String.UnicodeScalarView(scalars))
        guard let renamed = try? Yams.compose(yaml: lines.joined(separator: "\n")),
            let found = findDuplicate(of: key, renamedWith: marker, in: renamed, path: "")
        else { return fallback }
        return PolicyError(
            file: source, line: found.line ?? first.line, keyPath: found.path,
            problem: "duplicate key (first written at line \(first.line))",
            fix: "each key may appear once in a mapping; keep one")
    }

    private static func findDuplicate(
        of key: String, renamedWith marker: String, in node: Node, path: String
    ) -> (path: String, line: Int?)? {
        switch node {
        case .mapping(let mapping):
            let keys = mapping.keys.map { $0.scalar?.string ?? "" }
            if keys.contains(marker + key), let second = mapping.keys.first(where: { $0.scalar?.string == key }) {
                return (path.isEmpty ? key : "\(path).\(key)", second.mark?.line)
            }
            for (childKey, value) in mapping {
                let name = childKey.scalar?.string ?? ""
                if let found = findDuplicate(
                    of: key, renamedWith: marker, in: value, path: path.isEmpty ? name : "\(path).\(name)")
                {
                    return found
                }
            }
            return nil
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                if let found = findDuplicate(of: key, renamedWith: marker, in: element, path: "\(path)[\(index)]") {
                    return found
                }
            }
            return nil
        case .scalar, .alias:
            return nil
        }
    }
}
