import Foundation
import Locking
import Logging
import PostgresInventory
import PostgresNIO

/// A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary folder, `pg_ctl start` on a free loopback
/// port (the socket in that folder too, `fsync=off`), one per test process, started lazily by the first test that
/// needs it and stopped (`pg_ctl -m immediate stop`) when the process exits. Each test gets a fresh database.
///
/// The server binaries come from `PG_BIN`, else `/usr/lib/postgresql/15/bin` (Debian's `postgresql-15`), else any
/// `/usr/lib/postgresql/*/bin`, else `PATH`. Without them every test that needs a database FAILS, saying what to
/// install: a missing server must never look like a passing suite. As root (CI, these machines) the server runs as
/// the `postgres` user (initdb refuses root), through `runuser`.
public final class PostgresCluster: Sendable {
    public let folder: String
    public let port: Int
    private let bin: String
    private let runAs: String?
    private let counter = LockedValue(0)

    /// The cluster of this test process, started on first use; a failure to start is reported to every test.
    public static func shared() async throws -> PostgresCluster {
        try await sharedCluster.value
    }

    private static let sharedCluster = Task<PostgresCluster, any Error> {
        try await offThePool {
            let cluster = try PostgresCluster.start()
            clusterToStop.withLock { $0 = (cluster.bin, cluster.folder, cluster.runAs) }
            atexit { PostgresCluster.stopAtExit() }
            return cluster
        }
    }

    /// Runs blocking work (initdb, pg_ctl, openssl: seconds of waiting in waitpid) on a thread of its own. On
    /// Swift's cooperative pool (two threads on a two-core machine) it would stall every other test of the process,
    /// timing-sensitive ones included.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    private init(folder: String, port: Int, bin: String, runAs: String?) {
        self.folder = folder
        self.port = port
        self.bin = bin
        self.runAs = runAs
    }

    /// The URL of a new, empty database on this cluster (as the superuser `postgres`, trust authentication).
    public func makeDatabase() async throws -> String {
        let number = counter.withLock { count in
            count += 1
            return count
        }
        let name = "test_\(getpid())_\(number)"
        try await withAdminConnection { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Self.logger)
        }
        return url(database: name)
    }

    public func url(database: String, user: String = "postgres") -> String {
        "postgresql://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs `body` on a connection to `database` as the superuser.
    public func withAdminConnection<T>(
        database: String = "postgres", _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let configuration = PostgresConnection.Configuration(
            host: "127.0.0.1", port: port, username: "postgres", password: nil, database: database, tls: .disable)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Self.logger)
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Makes `role` authenticate with its password (SCRAM) over TCP; every other role keeps trust.
    public func requirePasswords(for role: String) async throws {
        let file = folder + "/data/pg_hba.conf"
        try hbaLock.withLock { _ in
            let text = try String(contentsOfFile: file, encoding: .utf8)
            // Written in place (not replaced), so the file stays the server user's.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
            defer { try? handle.close() }
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data("host all \(role) 127.0.0.1/32 scram-sha-256\n\(text)".utf8))
        }
        try await withAdminConnection { connection in
            _ = try await connection.query("SELECT pg_reload_conf()", logger: Self.logger)
        }
        // The server rereads the file at its next loop; a connection right after may still see the old rules.
        try await Task.sleep(for: .milliseconds(200))
    }

    private let hbaLock = LockedValue(())

    /// Turns TLS on (once): a throwaway CA, and a server certificate it signed for `localhost` and 127.0.0.1.
    /// Returns the CA certificate's path. Connections with `sslmode=disable` go on as before.
    public func enableTLS() async throws -> TLSFiles {
        try await tls.value
    }

    public struct TLSFiles: Sendable {
        /// The CA that signed the server's certificate.
        public var authority: String
        /// Another CA, which signed nothing the server holds.
        public var stranger: String
    }

    private var tls: Task<TLSFiles, any Error> {
        tlsTask.withLock { task in
            if let task { return task }
            let made = Task { try await self.makeTLS() }
            task = made
            return made
        }
    }
    private let tlsTask = LockedValue<Task<TLSFiles, any Error>?>(nil)

    private func makeTLS() async throws -> TLSFiles {
        let tlsFolder = folder + "/tls"
        let runAs = runAs
        try await Self.offThePool { try Self.makeCertificates(in: tlsFolder, owner: runAs) }
        try await withAdminConnection { connection in
            for sql in [
                "ALTER SYSTEM SET ssl_cert_file = '\(tlsFolder)/server.pem'",
                "ALTER SYSTEM SET ssl_key_file = '\(tlsFolder)/server.key'", "ALTER SYSTEM SET ssl = on",
                "SELECT pg_reload_conf()",
            ] {
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        return TLSFiles(authority: "\(tlsFolder)/ca.pem", stranger: "\(tlsFolder)/stranger.pem")
    }

    /// A CA, another CA, and a server key and certificate signed by the first, for `localhost` and 127.0.0.1.
    private static func makeCertificates(in tlsFolder: String, owner runAs: String?) throws {
        try FileManager.default.createDirectory(atPath: tlsFolder, withIntermediateDirectories: false)
        let openssl = "/usr/bin/openssl"
        for name in ["ca", "stranger"] {
            try Self.run(
                openssl,
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=token-rotator test \(name)",
                    "-keyout", "\(tlsFolder)/\(name).key", "-out", "\(tlsFolder)/\(name).pem",
                ], as: nil)
        }
        try Self.run(
            openssl,
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "\(tlsFolder)/server.key",
                "-out", "\(tlsFolder)/server.csr",
            ], as: nil)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(
            toFile: "\(tlsFolder)/server.ext", atomically: true, encoding: .utf8)
        try Self.run(
            openssl,
            [
                "x509", "-req", "-in", "\(tlsFolder)/server.csr", "-CA", "\(tlsFolder)/ca.pem", "-CAkey",
                "\(tlsFolder)/ca.key", "-CAcreateserial", "-days", "2", "-extfile", "\(tlsFolder)/server.ext",
                "-out", "\(tlsFolder)/server.pem",
            ], as: nil)
        chmod("\(tlsFolder)/server.key", 0o600)
        if let runAs, let user = getpwnam(runAs) {
            for file in ["", "/server.key", "/server.pem"] {
                chown(tlsFolder + file, user.pointee.pw_uid, user.pointee.pw_gid)
            }
        }
    }

    /// Opens a fresh, migrated inventory in a new database.
    public static func freshInventory() async throws -> PostgresInventory {
        let cluster = try await shared()
        return try await PostgresInventory.open(url: try await cluster.makeDatabase(), environment: [:])
    }

    public static let logger = Logger(label: "postgres-cluster", factory: { _ in SwiftLogNoOpLogHandler() })

    // MARK: - Starting and stopping

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    private static func start() throws -> PostgresCluster {
        guard let bin = serverBinaries() else {
            throw StartFailure(
                description:
                    "PostgreSQL server binaries (initdb, pg_ctl) not found in $PG_BIN, /usr/lib/postgresql/*/bin "
                    + "or PATH: install postgresql-15 (apt-get install postgresql-15; CI installs it) or set PG_BIN")
        }
        removeAbandonedClusters()
        let runAs = geteuid() == 0 ? "postgres" : nil
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "token-rotator-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try "\(getpid())\n".write(toFile: folder + "/owner.pid", atomically: true, encoding: .utf8)
        if let runAs {
            guard let user = getpwnam(runAs) else {
                throw StartFailure(description: "running as root, but there is no \(runAs) user to run the server as")
            }
            chown(folder, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        let data = folder + "/data"
        try run(bin + "/initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], as: runAs)
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try freePort()
            // Tests leave their inventories open (idle connections until the process exits): room for many.
            let options = "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400"
            do {
                try run(
                    bin + "/pg_ctl", ["-D", data, "-l", folder + "/server.log", "-o", options, "-w", "start"], as: runAs
                )
                return PostgresCluster(folder: folder, port: port, bin: bin, runAs: runAs)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? StartFailure(description: "the server did not start")
    }

    private static let clusterToStop = LockedValue<(bin: String, folder: String, runAs: String?)?>(nil)

    private static func stopAtExit() {
        guard let (bin, folder, runAs) = clusterToStop.withLock({ $0 }) else { return }
        _ = try? run(bin + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "stop"], as: runAs)
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Clusters left by test processes that were killed before they could stop theirs.
    private static func removeAbandonedClusters() {
        let temporary = FileManager.default.temporaryDirectory.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary),
            let bin = serverBinaries()
        else { return }
        for name in names where name.hasPrefix("token-rotator-pg-") {
            let folder = temporary + "/" + name
            guard let text = try? String(contentsOfFile: folder + "/owner.pid", encoding: .utf8),
                let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            _ = try? run(
                bin + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "stop"],
                as: geteuid() == 0 ? "postgres" : nil)
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    private static func serverBinaries() -> String? {
        var candidates: [String] = []
        if let bin = ProcessInfo.processInfo.environment["PG_BIN"] { candidates.append(bin) }
        candidates.append("/usr/lib/postgresql/15/bin")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first { folder in
            FileManager.default.isExecutableFile(atPath: folder + "/initdb")
                && FileManager.default.isExecutableFile(atPath: folder + "/pg_ctl")
        }
    }

    /// A TCP port nobody listens on now (the kernel's choice for port 0).
    private static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw StartFailure(description: "socket() failed: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw StartFailure(description: "bind() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a server tool to completion (as `user` through runuser when given). Its output goes to a file, not a
    /// pipe (the server that `pg_ctl start` leaves running would hold a pipe open), quoted when the tool fails.
    /// posix_spawn and waitpid rather than Foundation's Process, whose exit monitoring missed runuser's exit here.
    public static func run(_ tool: String, _ arguments: [String], as user: String?) throws {
        // `env -C /`: the server does not inherit the test's working folder, which the postgres user may not be able
        // to enter.
        let argv =
            (user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + ["/usr/bin/env", "-C", "/", tool] + arguments
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("token-rotator-pg-tool-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer {
            for argument in cArguments { free(argument) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw StartFailure(description: "cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw StartFailure(
                description: "\((tool as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed "
                    + "(status \(status)): \(text)")
        }
    }
}
