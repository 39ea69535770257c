import Foundation
import GRDB
import RotatorCore

extension Inventory: TokenInventory {
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
