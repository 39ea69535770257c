import Foundation

/// A token as the simulator keeps it: a hash, never the value.
struct StoredToken: Sendable {
    var name: String
    let uuid: String
    let digest: [UInt8]
    let created: Date
    /// Last valid day, `yyyy-MM-dd`; nil means never.
    let expires: String?
    var useCounter: Int = 0
    var lastUseDate: Date?
    /// A migrated legacy token: shown without a creation date.
    var legacy = false
}

/// A user as the simulator keeps it, with its tokens indexed by uuid and by hash.
struct StoredUser: Sendable {
    let id: String
    let passwordDigest: [UInt8]?
    let admin: Bool
    let read: Bool
    private(set) var tokens: [String: StoredToken] = [:]
    private var uuidsByDigest: [[UInt8]: [String]] = [:]

    init(_ user: SimulatedUser) {
        id = user.id
        passwordDigest = user.password.map(TokenCrypto.sha256)
        admin = user.admin
        read = user.read
        for token in user.tokens {
            add(
                StoredToken(
                    name: token.name, uuid: token.uuid, digest: TokenCrypto.tokenDigest(token.value),
                    created: token.created, expires: token.expires, useCounter: token.useCounter,
                    lastUseDate: token.lastUseDate, legacy: token.legacy))
        }
    }

    mutating func add(_ token: StoredToken) {
        if let old = tokens[token.uuid] { removeDigestIndex(old) }
        tokens[token.uuid] = token
        uuidsByDigest[token.digest, default: []].append(token.uuid)
    }

    @discardableResult
    mutating func remove(uuid: String) -> Bool {
        guard let token = tokens.removeValue(forKey: uuid) else { return false }
        removeDigestIndex(token)
        return true
    }

    mutating func removeAll(except keep: String? = nil) {
        let kept = keep.flatMap { tokens[$0] }
        tokens = [:]
        uuidsByDigest = [:]
        if let kept { add(kept) }
    }

    mutating func rename(uuid: String, to name: String) -> Bool {
        guard tokens[uuid] != nil else { return false }
        tokens[uuid]?.name = name
        return true
    }

    mutating func recordUse(uuid: String, at date: Date) {
        tokens[uuid]?.useCounter += 1
        tokens[uuid]?.lastUseDate = date
    }

    /// The uuids of tokens whose digest equals `digest`. The dictionary lookup is keyed by the
    /// SHA-256 of the presented secret, so its timing reveals nothing usable about stored values;
    /// the final comparison is constant time anyway.
    func tokenUUIDs(matching digest: [UInt8]) -> [String] {
        guard let uuids = uuidsByDigest[digest] else { return [] }
        return uuids.filter { uuid in
            guard let token = tokens[uuid] else { return false }
            return TokenCrypto.constantTimeEquals(token.digest, digest)
        }
    }

    func passwordMatches(_ password: String) -> Bool {
        guard let passwordDigest, !password.isEmpty else { return false }
        return TokenCrypto.constantTimeEquals(passwordDigest, TokenCrypto.sha256(password))
    }

    private mutating func removeDigestIndex(_ token: StoredToken) {
        uuidsByDigest[token.digest]?.removeAll { $0 == token.uuid }
        if uuidsByDigest[token.digest]?.isEmpty == true { uuidsByDigest[token.digest] = nil }
    }
}
