import Foundation
@_spi(Testing) import PostgresInventory
import PostgresTestSupport
import RotatorCore
import RotatorTestSupport
import Testing

/// Reading rows as they arrive, and stopping early (the planner stops once its limit is filled).
@Suite("PostgreSQL: streaming reads")
struct StreamingTests {
    @Test("stopping a stream early leaves the connection fit for the next statements, with a pool of one")
    func stopEarly() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        let inventory = try await PostgresInventory.open(url: url, environment: [:], maximumConnections: 1)
        let tokens = (0..<3_000).map { number in
            ImportedToken(
                line: number + 2,
                record: sampleToken(number, created: Date(timeIntervalSince1970: 1_700_000_000 + Double(number))))
        }
        try await inventory.importTokens(tokens, addedAt: addedAt)
        for _ in 0..<3 {
            var seen: [String] = []
            try await inventory.forEachActiveTokenOldestFirst { token in
                seen.append(token.uuid)
                return seen.count < 5
            }
            #expect(seen == (0..<5).map(sampleUUID))
            #expect(try await inventory.token(uuid: sampleUUID(2_999))?.name == "token-2999")
            #expect(try await inventory.tokens().count == 3_000)
        }
        await inventory.close()
    }

    struct BodyFailure: Error, Equatable {}

    @Test(
        "an error thrown while reading reaches the caller as itself, not as a cancelled query, and nothing more is read"
    )
    func bodyErrorPassesThrough() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        let inventory = try await PostgresInventory.open(url: url, environment: [:], maximumConnections: 1)
        try await inventory.importTokens(
            (0..<3_000).map { ImportedToken(line: $0 + 2, record: sampleToken($0)) }, addedAt: addedAt)
        var seen = 0
        await #expect(throws: BodyFailure()) {
            try await inventory.forEachToken { _ in
                seen += 1
                if seen == 10 { throw BodyFailure() }
            }
        }
        #expect(seen == 10)
        #expect(try await inventory.tokens().count == 3_000)
        await inventory.close()
    }
}
