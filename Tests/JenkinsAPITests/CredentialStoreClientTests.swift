import Crypto
import Foundation
import JenkinsSimulator
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("The client's credential store calls against jenkins-sim")
struct CredentialStoreClientTests {
    static let credentials = [
        SimulatedCredential(
            store: "system", id: "ci-bot", kind: .usernamePassword, username: "ci-bot", secret: "old"),
        SimulatedCredential(store: "user:alice", id: "alice-token", kind: .secretText, secret: "old"),
        SimulatedCredential(store: "folder:team/app", id: "app token", kind: .secretText, secret: "old"),
    ]

    static func configuration(contextPath: String = "") -> SimulatorConfiguration {
        var configuration = Harness.configuration()
        configuration.credentials = credentials
        configuration.contextPath = contextPath
        return configuration
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test(
        "reads the redacted XML and replaces the credential, in every store and under a context path",
        arguments: [
            (CredentialLocation(store: .system, id: "ci-bot"), "ci-bot", ""),
            (CredentialLocation(store: .user("alice"), id: "alice-token"), "alice-token", "/jenkins"),
            (CredentialLocation(store: .folder(["team", "app"]), id: "app token"), "app token", ""),
        ])
    func roundTrip(location: CredentialLocation, id: String, contextPath: String) async throws {
        try await Harness.run(Self.configuration(contextPath: contextPath)) { jenkins in
            let actor = location.store == .user("alice") ? Seed.alice : Seed.admin
            let xml = try await jenkins.client.credentialXML(at: location, as: actor)
            #expect(xml.contains("<secret-redacted/>"))
            let updated = xml.replacingOccurrences(of: "<secret-redacted/>", with: "11new")
            try await jenkins.client.updateCredentialXML(Secret(updated), at: location, as: actor)
            let stored = await jenkins.simulator.credentials().first { $0.id == id }
            #expect(stored?.secretSHA256 == Self.digest("11new"))
            jenkins.expectNoSecretLeaked(extra: ["11new"])
        }
    }

    @Test("an unknown id is unknownCredential; a store without permission is an access-denied error")
    func failures() async throws {
        try await Harness.run(Self.configuration()) { jenkins in
            let unknown = await expectJenkinsError {
                _ = try await jenkins.client.credentialXML(
                    at: CredentialLocation(store: .system, id: "nope"), as: Seed.admin)
            }
            guard case .unknownCredential(_, let id)? = unknown else {
                Issue.record("expected unknownCredential, got \(String(describing: unknown))")
                return
            }
            #expect(id == "nope")
            let denied = await expectJenkinsError {
                _ = try await jenkins.client.credentialXML(
                    at: CredentialLocation(store: .user("alice"), id: "alice-token"), as: Seed.admin)
            }
            guard case .permissionDenied(_, let permission)? = denied else {
                Issue.record("expected permissionDenied, got \(String(describing: denied))")
                return
            }
            #expect(permission == "com.cloudbees.plugins.credentials.CredentialsProvider.View")
        }
    }

    @Test("a password-authenticated update carries a crumb and the session")
    func passwordUpdate() async throws {
        try await Harness.run(Self.configuration()) { jenkins in
            let location = CredentialLocation(store: .system, id: "ci-bot")
            let xml = try await jenkins.client.credentialXML(at: location, as: Seed.adminPasswordCredential)
            try await jenkins.client.updateCredentialXML(
                Secret(xml.replacingOccurrences(of: "<secret-redacted/>", with: "pw-path")), at: location,
                as: Seed.adminPasswordCredential)
            #expect(
                await jenkins.simulator.credentials().first { $0.id == "ci-bot" }?.secretSHA256
                    == Self.digest("pw-path"))
        }
    }

    @Test("from 2.452 without the People View plugin the people API is a clear error")
    func noPeoplePlugin() async throws {
        var configuration = Self.configuration()
        configuration.peopleViewPlugin = false
        try await Harness.run(configuration) { jenkins in
            let error = await expectJenkinsError { _ = try await jenkins.client.listUserIDs(as: Seed.alice) }
            #expect(error.map { "\($0)" }?.contains("People View plugin") == true)
        }
    }

    @Test("the people API lists every user id")
    func people() async throws {
        try await Harness.run(Self.configuration(contextPath: "/jenkins")) { jenkins in
            let ids = try await jenkins.client.listUserIDs(as: Seed.alice)
            #expect(ids.sorted() == ["alice", "bob", "rotation-admin"])
        }
    }
}
