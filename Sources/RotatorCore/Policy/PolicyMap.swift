import Yams

/// A mapping whose keys have been checked; look values up by key.
struct PolicyMap {
    struct Entry {
        let key: String
        let keyLine: Int?
        let value: PolicyNode
    }

    let owner: PolicyNode
    let entries: [Entry]

    var keys: [String] { entries.map(\.key) }
    var isEmpty: Bool { entries.isEmpty }

    /// The value under `key`, or nil when the key is absent.
    subscript(_ key: String) -> PolicyNode? {
        entries.first { $0.key == key }?.value
    }

    /// The line of `key` itself, for errors about a setting as a whole.
    func keyLine(_ key: String) -> Int? {
        entries.first { $0.key == key }?.keyLine
    }

    /// The value under `key`; an error on the mapping's line when it is missing.
    func required(_ key: String, fix: String) throws -> PolicyNode {
        guard let value = self[key] else {
            throw owner.error("missing required key \(key)", fix: fix)
        }
        return value
    }
}
