import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@Suite("HTTPS")
struct TLSTests {
    /// Makes a self-signed certificate for 127.0.0.1 and localhost in a fresh temporary directory.
    static func selfSignedCertificate() throws -> (directory: URL, certificate: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jenkins-sim-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "2",
            "-keyout", key, "-out", certificate,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        return (directory, certificate, key)
    }

    @Test("serves HTTPS with the given certificate to a client that trusts it")
    func https() async throws {
        let files = try Self.selfSignedCertificate()
        defer { try? FileManager.default.removeItem(at: files.directory) }
        var configuration = SimulatorConfiguration(users: Harness.defaultUsers())
        configuration.tls = SimulatorTLS(certificatePath: files.certificate, privateKeyPath: files.key)
        let simulator = try await JenkinsSimulator.start(configuration)
        #expect(simulator.baseURL.absoluteString.hasPrefix("https://127.0.0.1:"))

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.certificate))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let sim = Harness(simulator: simulator, client: client)
            let reply = try await sim.send(.GET, "whoAmI/api/json", as: Harness.alice)
            #expect(reply.status == 200)
            #expect(reply.json["name"] as? String == "alice")
            let generated = try await sim.send(
                .POST, "me/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken", as: Harness.alice)
            #expect(generated.status == 200)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        await simulator.stop()
    }

    @Test("a missing certificate is a clear TLS error")
    func missingCertificate() async throws {
        let configuration = SimulatorConfiguration(
            tls: SimulatorTLS(certificatePath: "/no/cert.pem", privateKeyPath: "/no/key.pem"))
        await #expect(throws: SimulatorError.self) { try await JenkinsSimulator.start(configuration) }
    }
}
