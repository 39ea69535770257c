import Foundation
import PostgresNIO
import PostgresTestSupport
import Testing

@testable import PostgresInventory

/// `--db postgresql://…`: what the URL may say, and where the password comes from (SPEC §8.11).
@Suite("PostgreSQL: the connection URL and the password")
struct ConnectionURLTests {
    @Test("a full URL parses; the description shows no password")
    func parses() throws {
        let url = try PostgresConnectionURL(
            parsing: "postgresql://rotator@db.example.net:6432/inventory?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            environment: [:])
        #expect(url.host == "db.example.net")
        #expect(url.port == 6432)
        #expect(url.user == "rotator")
        #expect(url.database == "inventory")
        #expect(url.sslMode == .verifyFull)
        #expect(url.sslRootCert == "/etc/ca.pem")
        #expect(url.description == "postgresql://rotator@db.example.net:6432/inventory?sslmode=verify-full")
    }

    @Test("defaults: port 5432, sslmode prefer, the database named after the user, PGUSER when no user is given")
    func defaults() throws {
        let url = try PostgresConnectionURL(parsing: "postgres://db/", environment: ["PGUSER": "ops"])
        #expect(url.port == 5432)
        #expect(url.sslMode == .prefer)
        #expect(url.user == "ops")
        #expect(url.database == "ops")
        let socket = try PostgresConnectionURL(parsing: "postgresql:///inv?host=/var/run/postgresql", environment: [:])
        #expect(socket.socketFolder == "/var/run/postgresql")
    }

    @Test(
        "bad URLs are refused, saying why, and never echo a password",
        arguments: [
            ("postgresql://rotator:hunter2@db/inv", "PGPASSWORD"),
            ("postgresql://rotator@db/inv?sslmode=sometimes", "sslmode=sometimes is not one of"),
            ("postgresql://rotator@db/inv?sslmod=require", "unknown parameter sslmod"),
            ("postgresql://rotator@db:99999/inv", "out of range"),
            ("postgresql://rotator@/inv", "no host"),
            ("postgresql://rotator@db/inv?sslcert=/c.pem", "sslcert and sslkey go together"),
            ("mysql://rotator@db/inv", "not a URL of the form"),
        ])
    func refused(url: String, reason: String) {
        let error = #expect(throws: PostgresInventoryError.self) {
            _ = try PostgresConnectionURL(parsing: url, environment: [:])
        }
        let text = error?.description ?? ""
        #expect(text.contains(reason), "\(text)")
        #expect(!text.contains("hunter2"))
    }

    @Test("the password: PGPASSWORD first, then the first matching line of a private password file")
    func password() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("pgpass").path
        try """
        # host:port:database:user:password
        other:5432:*:rotator:not-this-one
        db.example.net:6432:inventory:rotator:pa\\:ss\\\\word
        *:*:*:*:fallback
        """.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        let url = try PostgresConnectionURL(parsing: "postgresql://rotator@db.example.net:6432/inventory")
        #expect(url.password(environment: ["PGPASSFILE": file]) == "pa:ss\\word")
        #expect(url.password(environment: ["PGPASSFILE": file, "PGPASSWORD": "from-env"]) == "from-env")
        let elsewhere = try PostgresConnectionURL(parsing: "postgresql://ops@db2/x")
        #expect(elsewhere.password(environment: ["PGPASSFILE": file]) == "fallback")
        chmod(file, 0o644)
        #expect(url.password(environment: ["PGPASSFILE": file]) == nil)
        #expect(url.password(environment: ["PGPASSFILE": folder.appendingPathComponent("missing").path]) == nil)
    }

    @Test("the password authenticates: a role with a password connects with PGPASSWORD, and fails without it")
    func passwordAuthentication() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = try await cluster.makeDatabase()
        let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
        let role = "rotator_\(getpid())_\(UUID().uuidString.prefix(6).lowercased())"
        try await cluster.withAdminConnection { connection in
            _ = try await connection.query(
                .init(unsafeSQL: "CREATE ROLE \(role) LOGIN PASSWORD 'correct horse'"), logger: PostgresCluster.logger)
            _ = try await connection.query(
                .init(unsafeSQL: "ALTER DATABASE \(database) OWNER TO \(role)"), logger: PostgresCluster.logger)
        }
        try await cluster.requirePasswords(for: role)
        let roleURL = cluster.url(database: database, user: role)
        let inventory = try await PostgresInventory.open(url: roleURL, environment: ["PGPASSWORD": "correct horse"])
        #expect(try await inventory.schemaVersion == PostgresInventory.knownMigrations.last)
        await inventory.close()
        let error = await #expect(throws: PostgresInventoryError.self) {
            _ = try await PostgresInventory.open(url: roleURL, environment: ["PGPASSWORD": "wrong"])
        }
        #expect(error?.description.contains("wrong") == false)
    }
}
