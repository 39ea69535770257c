import Foundation
import JenkinsSimulator
import RotatorCore
import RotatorTestSupport
import Testing

@testable import JenkinsAPI

/// A throwaway CA and a server certificate for 127.0.0.1, made with openssl in a temporary folder.
struct TestPKI {
    let folder: URL
    var caFile: String { folder.appendingPathComponent("ca.pem").path }
    var certificateFile: String { folder.appendingPathComponent("server.pem").path }
    var keyFile: String { folder.appendingPathComponent("server.key").path }

    static func make() throws -> TestPKI {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jenkins-api-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pki = TestPKI(folder: folder)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n".write(
            to: folder.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=token-rotator test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], in: folder)
        try run(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], in: folder)
        try run(
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
            ], in: folder)
        return pki
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    private static func run(_ arguments: [String], in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError.openssl(arguments.prefix(2).joined(separator: " "), process.terminationStatus)
        }
    }

    enum PKIError: Error {
        case openssl(String, Int32)
    }
}

@Suite("TLS")
struct TLSTests {
    @Test("ca_file trusts the controller; without it the certificate is untrusted; insecure skips checks")
    func trustChoices() async throws {
        let pki = try TestPKI.make()
        defer { pki.remove() }
        var configuration = Harness.configuration()
        configuration.tls = SimulatorTLS(certificatePath: pki.certificateFile, privateKeyPath: pki.keyFile)
        try await Harness.run(configuration) { jenkins in
            #expect(jenkins.simulator.baseURL.scheme == "https")

            let trusted = jenkins.makeClient(caFile: pki.caFile)
            #expect(try await trusted.whoAmI(Seed.alice) == "alice")
            let minted = try await trusted.generateToken(
                forUser: "alice", name: "over-tls", expirationDays: nil, as: Seed.alicePasswordCredential)
            try await trusted.revokeToken(user: "alice", uuid: minted.uuid, as: Seed.alicePasswordCredential)

            let untrusted = jenkins.makeClient()
            let error = await expectJenkinsError { _ = try await untrusted.whoAmI(Seed.alice) }
            guard case .untrustedCertificate = error else {
                Issue.record("expected untrustedCertificate, got \(String(describing: error))")
                return
            }
            #expect(error?.description.contains("ca_file") == true)
            #expect(error?.stopsController == true)
            #expect(error?.isRetryable == false)
            let check = await untrusted.check(as: Seed.alice)
            #expect(!check.reachable)
            #expect(!check.isHealthy)

            let insecure = jenkins.makeClient(insecure: true)
            #expect(try await insecure.whoAmI(Seed.alice) == "alice")
            #expect(jenkins.logs.all.contains { $0.hasPrefix("warning") && $0.contains("verification is OFF") })
            jenkins.expectNoSecretLeaked(extra: [minted.value.reveal()])
        }
    }

    @Test("an unreadable ca_file fails every request of that client with a TLS error naming the file")
    func unreadableCAFile() async throws {
        try await Harness.run { jenkins in
            let client = jenkins.makeClient(caFile: "/nonexistent/ca.pem")
            let error = await expectJenkinsError { _ = try await client.whoAmI(Seed.alice) }
            guard case .tlsFailure(_, let detail) = error else {
                Issue.record("expected tlsFailure, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("/nonexistent/ca.pem"))
            #expect(error?.stopsController == true)
            #expect(await jenkins.simulator.requestCount(.whoami) == 0)
            let check = await client.check(as: Seed.alice)
            #expect(!check.isHealthy)
            #expect(check.failure?.description.contains("/nonexistent/ca.pem") == true)
        }
    }
}
