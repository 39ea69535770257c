import Foundation
import GRDB
import RotatorCore

extension Inventory: InventoryDatabase {
    public var location: String { path }

    /// The journal with group commit: concurrent rotations' writes share one durable commit.
    public func rotationJournal() -> any RotationJournal { GroupCommitJournal(inventory: self) }

    /// None: one run at a time holds the inventory's run lock.
    public var claims: (any TokenClaims)? { nil }

    /// Whether a uuid is an inventory token or one a rotation recorded as minted (so that settling a lost
    /// generate response never revokes a token the tool knows about).
    public func isKnownToken(uuid: String) throws -> Bool {
        try read("looking up token \(uuid)") { db in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM tokens WHERE uuid = ?1)
                        OR EXISTS (SELECT 1 FROM rotations WHERE new_uuid = ?1 AND step NOT IN ('rolled_back'))
                    """)
            return try Bool.fetchOne(statement, arguments: [uuid.lowercased()]) ?? false
        }
    }
}
