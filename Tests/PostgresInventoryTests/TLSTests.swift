import Foundation
@_spi(Testing) import PostgresInventory
import PostgresNIO
import PostgresTestSupport
import Testing

/// `sslmode` as docs/deployment.md describes it, against the test cluster with TLS turned on.
@Suite("PostgreSQL: TLS to the database")
struct TLSTests {
    /// Whether the inventory's connections (told apart by application_name) are encrypted, as the server sees them.
    private func encrypted(application: String) async throws -> [Bool] {
        try await PostgresCluster.shared().withAdminConnection { connection in
            try await connection.query(
                """
                SELECT s.ssl FROM pg_stat_ssl AS s JOIN pg_stat_activity AS a USING (pid)
                WHERE a.application_name = \(application)
                """, logger: PostgresCluster.logger
            ).collect().map { try $0.decode(Bool.self) }
        }
    }

    private func database(_ cluster: PostgresCluster) async throws -> String {
        let url = try await cluster.makeDatabase()
        return String(url.split(separator: "/").last!.split(separator: "?").first!)
    }

    @Test(
        "require, verify-ca and verify-full connect encrypted when the certificate fits",
        arguments: [
            ("127.0.0.1", "sslmode=require"), ("127.0.0.1", "sslmode=verify-ca&sslrootcert=CA"),
            ("localhost", "sslmode=verify-full&sslrootcert=CA"),
        ])
    func encryptedModes(host: String, parameters: String) async throws {
        let cluster = try await PostgresCluster.shared()
        let files = try await cluster.enableTLS()
        let application = "tls-test-\(UUID().uuidString.prefix(8))"
        let url =
            "postgresql://postgres@\(host):\(cluster.port)/\(try await database(cluster))?"
            + parameters.replacingOccurrences(of: "CA", with: files.authority) + "&application_name=\(application)"
        let inventory = try await PostgresInventory.open(url: url, environment: [:])
        #expect(try await inventory.schemaVersion == PostgresInventory.knownMigrations.last)
        let seen = try await encrypted(application: application)
        #expect(!seen.isEmpty && seen.allSatisfy { $0 }, "\(seen)")
        await inventory.close()
    }

    @Test(
        "verify-ca and verify-full refuse a server whose certificate the given root did not sign",
        arguments: [
            ("localhost", "sslmode=verify-ca&sslrootcert=STRANGER"),
            ("localhost", "sslmode=verify-full&sslrootcert=STRANGER"),
        ])
    func refused(host: String, parameters: String) async throws {
        let cluster = try await PostgresCluster.shared()
        let files = try await cluster.enableTLS()
        let url =
            "postgresql://postgres@\(host):\(cluster.port)/\(try await database(cluster))?"
            + parameters.replacingOccurrences(of: "STRANGER", with: files.stranger)
        let error = await #expect(throws: PostgresInventoryError.self) {
            _ = try await PostgresInventory.open(url: url, environment: [:])
        }
        let text = error?.description ?? ""
        #expect(text.contains("cannot connect") && text.contains("CERTIFICATE_VERIFY_FAILED"), "\(text)")
    }

    @Test("sslmode=disable stays in clear text even when the server offers TLS")
    func disabled() async throws {
        let cluster = try await PostgresCluster.shared()
        _ = try await cluster.enableTLS()
        let application = "tls-test-\(UUID().uuidString.prefix(8))"
        let url =
            "postgresql://postgres@127.0.0.1:\(cluster.port)/\(try await database(cluster))?sslmode=disable"
            + "&application_name=\(application)"
        let inventory = try await PostgresInventory.open(url: url, environment: [:])
        let seen = try await encrypted(application: application)
        #expect(!seen.isEmpty && seen.allSatisfy { !$0 }, "\(seen)")
        await inventory.close()
    }
}
