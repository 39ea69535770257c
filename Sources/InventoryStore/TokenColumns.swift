import RotatorCore

/// The columns a token is stored in (every column of `tokens` but `id`) and a token's values for them, in one
/// place for both ways a row goes in: the single-row insert (through GRDB) and the import's staging (bound by hand).
enum TokenColumns {
    static let names = """
        controller, user, name, uuid, created, state, fingerprint, replaced_by, revoke_after, revoked_at, \
        last_rotated, added_at, use_count, last_used
        """
    static let count = names.split(separator: ",").count

    /// `?, ?, …`: one placeholder for each column, and `extra` more.
    static func placeholders(extra: Int = 0) -> String {
        Array(repeating: "?", count: count + extra).joined(separator: ", ")
    }

    /// One stored value: text (timestamps are text, SQL schema) or an integer, either possibly NULL.
    enum Value {
        case text(String?)
        case integer(Int?)
    }

    /// Calls `body` with each of `token`'s stored values, in the order of ``names``. Uuids are stored lowercase.
    @inline(__always)
    static func forEachValue(of token: InventoryToken, addedAt: String?, _ body: (Value) throws -> Void) rethrows {
        try body(.text(token.controller))
        try body(.text(token.user))
        try body(.text(token.name))
        try body(.text(lowercasedUUID(token.uuid)))
        try body(.text(stored(token.created)))
        try body(.text(token.state.rawValue))
        try body(.text(token.fingerprint))
        try body(.text(token.replacedBy.map(lowercasedUUID)))
        try body(.text(stored(token.revokeAfter)))
        try body(.text(stored(token.revokedAt)))
        try body(.text(stored(token.lastRotated)))
        try body(.text(addedAt))
        try body(.integer(token.useCount))
        try body(.text(stored(token.lastUsed)))
    }
}
