/// A shell-style pattern for policy rules and `--user`/`--name` filters: `*` matches any run of
/// characters, `?` one character, `[abc]` one of a set. Matching is case-sensitive.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    private let parts: [Character]
    /// The common shapes, matched without the general algorithm (policies apply globs to every token).
    private let shortcut: Shortcut?

    private enum Shortcut: Equatable {
        case literal(String)
        case prefix(String)
        case anything
    }

    public init(_ pattern: String) {
        self.pattern = pattern
        self.parts = Array(pattern)
        let isMeta: (Character) -> Bool = { $0 == "*" || $0 == "?" || $0 == "[" }
        if !pattern.contains(where: isMeta) {
            shortcut = .literal(pattern)
        } else if pattern == "*" {
            shortcut = .anything
        } else if pattern.hasSuffix("*"), !pattern.dropLast().contains(where: isMeta) {
            shortcut = .prefix(String(pattern.dropLast()))
        } else {
            shortcut = nil
        }
    }

    public var description: String { pattern }

    public func matches(_ text: String) -> Bool {
        switch shortcut {
        case .literal(let literal): return text == literal
        case .prefix(let prefix): return text.hasPrefix(prefix)
        case .anything: return true
        case nil: return Self.match(parts[...], Array(text)[...])
        }
    }

    private static func match(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var starP: Int?
        var starT = text.startIndex
        while t < text.endIndex {
            if p < pattern.endIndex {
                switch pattern[p] {
                case "*":
                    starP = p
                    starT = t
                    p += 1
                    continue
                case "?":
                    p += 1
                    t += 1
                    continue
                case "[":
                    if let (matched, next) = matchClass(pattern, at: p, text[t]) {
                        if matched {
                            p = next
                            t += 1
                            continue
                        }
                    } else if text[t] == "[" {
                        p += 1
                        t += 1
                        continue
                    }
                default:
                    if pattern[p] == text[t] {
                        p += 1
                        t += 1
                        continue
                    }
                }
            }
            guard let star = starP else { return false }
            p = star + 1
            starT += 1
            t = starT
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// Returns whether `character` is in the class starting at `start`, and the index after `]`;
    /// nil when the class is not closed (then `[` is literal).
    private static func matchClass(
        _ pattern: ArraySlice<Character>, at start: Int, _ character: Character
    ) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.endIndex, pattern[index] == "!" || pattern[index] == "^" {
            negate = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex {
            let c = pattern[index]
            if c == "]" && !first {
                return (matched != negate, index + 1)
            }
            first = false
            if index + 2 < pattern.endIndex, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                if c <= character && character <= pattern[index + 2] { matched = true }
                index += 3
            } else {
                if c == character { matched = true }
                index += 1
            }
        }
        return nil
    }
}
