import Crypto
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("The credentials plugin's stores (jenkins-api.md §10, §15)")
struct CredentialStoreTests {
    static let credentials = [
        SimulatedCredential(
            store: "system", id: "ci-bot", kind: .usernamePassword, descriptionText: "CI bot", username: "ci-bot",
            secret: "old-value"),
        SimulatedCredential(store: "user:alice", id: "alice-token", kind: .secretText, secret: "old-alice"),
        SimulatedCredential(store: "folder:team/app", id: "app-token", kind: .secretText, secret: "old-app"),
    ]

    static func configuration() -> SimulatorConfiguration {
        Harness.configuration { $0.credentials = credentials }
    }

    static let systemURL = "credentials/store/system/domain/_/credential/ci-bot/config.xml"

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func stored(_ sim: Harness, _ id: String) async -> CredentialSnapshot? {
        await sim.simulator.credentials().first { $0.id == id }
    }

    @Test("GET config.xml answers the XML with the secret redacted")
    func redacted() async throws {
        try await Harness.with(Self.configuration()) { (sim: Harness) async throws in
            let reply = try await sim.send(.GET, Self.systemURL, as: Harness.admin)
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("application/xml") == true)
            #expect(reply.body.contains("<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl"))
            #expect(reply.body.contains("<password><secret-redacted/></password>"))
            #expect(reply.body.contains("<description>CI bot</description>"))
            #expect(!reply.body.contains("old-value"))
        }
    }

    @Test("POST config.xml replaces the credential: 200 with an empty body, whitespace in the secret kept")
    func replace() async throws {
        try await Harness.with(Self.configuration()) { (sim: Harness) async throws in
            let current = try await sim.send(.GET, Self.systemURL, as: Harness.admin).body
            let updated = current.replacingOccurrences(of: "<secret-redacted/>", with: "new-value")
            let reply = try await sim.send(.POST, Self.systemURL, as: Harness.admin, rawBody: updated)
            #expect(reply.status == 200)
            #expect(reply.body.isEmpty)
            #expect(await Self.stored(sim, "ci-bot")?.secretSHA256 == Self.sha256("new-value"))
            #expect(try await sim.send(.GET, Self.systemURL, as: Harness.admin).body == current)
            let padded = current.replacingOccurrences(of: "<secret-redacted/>", with: "\n  padded\n")
            #expect(try await sim.send(.POST, Self.systemURL, as: Harness.admin, rawBody: padded).status == 200)
            #expect(await Self.stored(sim, "ci-bot")?.secretSHA256 == Self.sha256("\n  padded\n"))
        }
    }

    @Test("an id mismatch or malformed XML is a 500, an unknown id a 404, and nothing changes")
    func errors() async throws {
        try await Harness.with(Self.configuration()) { (sim: Harness) async throws in
            let current = try await sim.send(.GET, Self.systemURL, as: Harness.admin).body
            let otherID = current.replacingOccurrences(of: "<id>ci-bot</id>", with: "<id>other</id>")
                .replacingOccurrences(of: "<secret-redacted/>", with: "x")
            #expect(try await sim.send(.POST, Self.systemURL, as: Harness.admin, rawBody: otherID).status == 500)
            #expect(try await sim.send(.POST, Self.systemURL, as: Harness.admin, rawBody: "<oops").status == 500)
            let unknown = "credentials/store/system/domain/_/credential/nope/config.xml"
            #expect(try await sim.send(.GET, unknown, as: Harness.admin).status == 404)
            #expect(try await sim.send(.POST, unknown, as: Harness.admin, rawBody: current).status == 404)
            #expect(await Self.stored(sim, "ci-bot")?.secretSHA256 == Self.sha256("old-value"))
        }
    }

    @Test("createCredentials answers 200, then 409 for an id that exists; the domain lists the ids")
    func createAndList() async throws {
        try await Harness.with(Self.configuration()) { (sim: Harness) async throws in
            let xml = """
                <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
                  <scope>GLOBAL</scope><id>fresh</id><description></description><secret>s3cret</secret>
                </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
                """
            let create = "credentials/store/system/domain/_/createCredentials"
            let headers = [("Content-Type", "application/xml")]
            #expect(try await sim.send(.POST, create, as: Harness.admin, headers: headers, rawBody: xml).status == 200)
            #expect(try await sim.send(.POST, create, as: Harness.admin, headers: headers, rawBody: xml).status == 409)
            let list = try await sim.send(
                .GET, "credentials/store/system/domain/_/api/json?tree=credentials%5Bid%5D", as: Harness.admin)
            let ids = (list.json["credentials"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == ["ci-bot", "fresh"])
        }
    }

    @Test("the system store is for administrators; a user's store for that user alone, not administrators")
    func permissions() async throws {
        try await Harness.with(Self.configuration()) { (sim: Harness) async throws in
            let bob = try await sim.send(.GET, Self.systemURL, as: Harness.bobWithToken)
            #expect(bob.status == 403)
            #expect(bob.header("X-Required-Permission") == "com.cloudbees.plugins.credentials.CredentialsProvider.View")
            #expect(try await sim.send(.GET, Self.systemURL).status == 403)
            let userURL = "user/alice/credentials/store/user/domain/_/credential/alice-token/config.xml"
            #expect(try await sim.send(.GET, userURL, as: Harness.alice).status == 200)
            #expect(try await sim.send(.GET, userURL, as: Harness.admin).status == 403)
            let body = try await sim.send(.GET, userURL, as: Harness.alice).body
                .replacingOccurrences(of: "<secret-redacted/>", with: "new-alice")
            #expect(try await sim.send(.POST, userURL, as: Harness.alice, rawBody: body).status == 200)
            #expect(await Self.stored(sim, "alice-token")?.secretSHA256 == Self.sha256("new-alice"))
        }
    }

    @Test("a folder store lives under /job/<a>/job/<b>/; unknown folders are 404")
    func folders() async throws {
        try await Harness.with(Self.configuration()) { (sim: Harness) async throws in
            let url = "job/team/job/app/credentials/store/folder/domain/_/credential/app-token/config.xml"
            #expect(try await sim.send(.GET, url, as: Harness.admin).status == 200)
            #expect(try await sim.send(.GET, "job/team/", as: Harness.admin).status == 200)
            #expect(
                try await sim.send(
                    .GET, "job/other/credentials/store/folder/domain/_/credential/app-token/config.xml",
                    as: Harness.admin
                ).status == 404)
            let snapshot = await Self.stored(sim, "app-token")
            #expect(snapshot?.store == "folder:team/app")
        }
    }

    @Test("the users file seeds credentials; a store of an unknown user is an error at start")
    func usersFile() async throws {
        let contents = try UsersFile.parseContents(
            """
            users: [{ id: alice }]
            credentials:
              - { store: system, id: ci-bot, kind: username_password, username: ci-bot, secret: old-value, description: CI bot }
              - { store: "user:alice", id: alice-token, kind: secret_text, secret: old-value }
            """)
        #expect(contents.credentials.map(\.id) == ["ci-bot", "alice-token"])
        #expect(contents.credentials[0].scope == "GLOBAL")
        #expect(!"\(contents.credentials[0])".contains("old-value"))
        #expect(throws: SimulatorError.self) {
            try UsersFile.parseContents("credentials: [{ store: system, id: x, kind: username_password, secret: s }]")
        }
        let unknownUser = SimulatorConfiguration(
            credentials: [SimulatedCredential(store: "user:ghost", id: "g", kind: .secretText, secret: "s")])
        await #expect(throws: SimulatorError.self) { _ = try await JenkinsSimulator.start(unknownUser) }
    }

    @Test("/_sim/credentials shows digests and redacted XML, never a secret")
    func inspection() async throws {
        try await Harness.with(Self.configuration()) { (sim: Harness) async throws in
            let reply = try await ContextPathTests.rootGET(sim, "/_sim/credentials")
            #expect(reply.status == 200)
            #expect(reply.body.contains("\"secretSHA256\":\"\(Self.sha256("old-value"))\""))
            #expect(!reply.body.contains("old-value\""))
            let snapshot = await sim.simulator.credentials()
            #expect(snapshot.count == 3)
            #expect(snapshot.allSatisfy { !$0.redactedXML.contains("old-") })
        }
    }
}
