import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL inventory lives: `postgresql://user@host:port/database?sslmode=…` (SPEC §8.11).
///
/// The password never appears in the URL (it would show in `ps`, shell history and logs): it comes from
/// `PGPASSWORD`, else from the password file (`PGPASSFILE`, default `~/.pgpass`), as with `psql`. Query parameters:
/// `sslmode` (`disable`, `allow`, `prefer` (the default), `require`, `verify-ca`, `verify-full`), `sslrootcert`,
/// `sslcert` and `sslkey` (PEM files), `host` (a folder holding the server's Unix socket, e.g.
/// `/var/run/postgresql`), `connect_timeout` (seconds) and `application_name`.
public struct PostgresConnectionURL: Sendable, Equatable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var sslMode: SSLMode
    public var sslRootCert: String?
    public var sslCert: String?
    public var sslKey: String?
    /// A folder holding the server's socket (`host=/path`): then the connection goes through
    /// `<folder>/.s.PGSQL.<port>` instead of TCP.
    public var socketFolder: String?
    public var connectTimeout: Int?
    public var applicationName: String

    /// Whether `text` names a PostgreSQL inventory rather than an SQLite file.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses `text`. `environment` supplies `PGUSER` when the URL names no user (else the login name is used).
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let shown = Self.redacted(text)
        func invalid(_ reason: String) -> PostgresInventoryError { .invalidURL(url: shown, reason: reason) }
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw invalid("not a URL of the form postgresql://user@host:port/database?sslmode=verify-full")
        }
        if components.password != nil {
            throw invalid(
                "the URL holds a password; remove it and put it in PGPASSWORD or ~/.pgpass (a URL shows in ps and logs)"
            )
        }
        if let fragment = components.fragment, !fragment.isEmpty { throw invalid("a URL with a #fragment") }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw invalid("port \(port) is out of range") }
        let login = ProcessInfo.processInfo.userName
        user = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? login
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if path.contains("/") { throw invalid("the database name \"\(path)\" contains a /") }
        database = path.isEmpty ? user : path
        sslMode = .prefer
        applicationName = "token-rotator"
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw invalid("sslmode=\(value) is not one of \(modes)")
                }
                sslMode = mode
            case "sslrootcert": sslRootCert = value
            case "sslcert": sslCert = value
            case "sslkey": sslKey = value
            case "host":
                guard value.hasPrefix("/") else {
                    throw invalid("host=\(value): a host parameter must be a socket folder (an absolute path)")
                }
                socketFolder = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw invalid("connect_timeout=\(value) is not a whole number of seconds above 0")
                }
                connectTimeout = seconds
            case "application_name": applicationName = value
            default:
                throw invalid(
                    "unknown parameter \(item.name); known: sslmode, sslrootcert, sslcert, sslkey, host, "
                        + "connect_timeout, application_name")
            }
        }
        if host.isEmpty, socketFolder == nil {
            throw invalid("no host: write postgresql://user@host:port/database (or ?host=/socket/folder)")
        }
        self.host = host.isEmpty ? "localhost" : host
        if (sslCert == nil) != (sslKey == nil) { throw invalid("sslcert and sslkey go together") }
    }

    /// The URL without password, as messages show it.
    public var description: String {
        var text = "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        var parameters: [String] = []
        if let socketFolder { parameters.append("host=\(socketFolder)") }
        parameters.append("sslmode=\(sslMode.rawValue)")
        text += "?" + parameters.joined(separator: "&")
        return text
    }

    /// `text` with any password replaced by `***`, for a message about a URL that did not parse.
    static func redacted(_ text: String) -> String {
        guard let at = text.firstIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else {
            return text
        }
        let userInfo = text[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    // MARK: - Password

    /// The password: `PGPASSWORD`, else the first matching line of the password file (`PGPASSFILE` or
    /// `~/.pgpass`; ignored, as by libpq, when group or others can read it), else nil (trust, peer or cert auth).
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let password = environment["PGPASSWORD"] { return password }
        let file =
            environment["PGPASSFILE"]
            ?? environment["HOME"].map { $0 + "/.pgpass" }
            ?? (NSHomeDirectory() + "/.pgpass")
        var status = stat()
        guard stat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o077 == 0,
            let text = try? String(contentsOfFile: file, encoding: .utf8)
        else { return nil }
        let hostForFile = socketFolder ?? host
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = Self.passwordFileFields(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [hostForFile, String(port), database, user]
            let matches = zip(fields.prefix(4), wanted).allSatisfy { field, value in
                field == "*" || field == value || (field == "localhost" && socketFolder != nil)
            }
            if matches { return fields[4] }
        }
        return nil
    }

    /// The `:`-separated fields of a password file line, with `\:` and `\\` unescaped.
    static func passwordFileFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    // MARK: - Client configuration

    /// The parameters every session starts with. Every journal write must be durable when it returns (SPEC §4),
    /// whatever the database's default for `synchronous_commit` is.
    private var startupParameters: [(String, String)] {
        [("application_name", applicationName), ("synchronous_commit", "on"), ("TimeZone", "UTC")]
    }

    /// postgres-nio's pool configuration for this URL. Reads the TLS files it names.
    func clientConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment, maximumConnections: Int
    ) throws -> PostgresClient.Configuration {
        let password = password(environment: environment)
        var configuration: PostgresClient.Configuration
        if let socketFolder {
            configuration = PostgresClient.Configuration(
                unixSocketPath: socketPath(socketFolder), username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch try tlsConfiguration() {
                case nil: .disable
                case .some(let tls) where sslMode == .allow || sslMode == .prefer: .prefer(tls)
                case .some(let tls): .require(tls)
                }
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout ?? 10))
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// The configuration of one connection, to check that the database is there before a pool (which retries
    /// for a minute) takes over.
    func connectionConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PostgresConnection.Configuration {
        let password = password(environment: environment)
        var configuration: PostgresConnection.Configuration
        if let socketFolder {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: socketPath(socketFolder), username: user, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            do {
                tls =
                    switch try tlsConfiguration() {
                    case nil: .disable
                    case .some(let tls) where sslMode == .allow || sslMode == .prefer:
                        .prefer(try NIOSSLContext(configuration: tls))
                    case .some(let tls): .require(try NIOSSLContext(configuration: tls))
                    }
            } catch let error as NIOSSLError {
                throw PostgresInventoryError.invalidURL(url: description, reason: "TLS: \(error)")
            }
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout ?? 10))
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    private func socketPath(_ folder: String) -> String { folder + "/.s.PGSQL.\(port)" }

    /// TLS as `sslmode` asks: nil for `disable`; no certificate check for `allow`, `prefer` and `require` (as
    /// libpq without a root certificate), the chain for `verify-ca`, the chain and the host name for `verify-full`.
    private func tlsConfiguration() throws -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let sslRootCert {
            tls.trustRoots = .certificates(
                try readTLSFile("sslrootcert", sslRootCert) { try NIOSSLCertificate.fromPEMFile($0) })
        }
        if let sslCert, let sslKey {
            tls.certificateChain = try readTLSFile("sslcert", sslCert) { try NIOSSLCertificate.fromPEMFile($0) }
                .map { .certificate($0) }
            tls.privateKey = .privateKey(
                try readTLSFile("sslkey", sslKey) { try NIOSSLPrivateKey(file: $0, format: .pem) })
        }
        return tls
    }

    private func readTLSFile<T>(_ key: String, _ path: String, _ read: (String) throws -> T) throws -> T {
        do {
            return try read(path)
        } catch {
            throw PostgresInventoryError.tlsFile(url: description, key: key, path: path, detail: "\(error)")
        }
    }
}
