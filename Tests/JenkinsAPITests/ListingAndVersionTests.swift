import JenkinsSimulator
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("Token listing and version detection")
struct ListingAndVersionTests {
    static let expected = [
        ListedToken(name: "ci", uuid: Seed.aliceTokenUUID),
        ListedToken(name: "deploy & co", uuid: "5a5a5a5a-1111-4222-8333-944444444444"),
    ]

    @Test(
        "lists tokens in both markups and on the pre-2.468 configure page",
        arguments: [
            "2.462.3", "2.479.3", "2.555.1",
        ])
    func listsTokens(version: String) async throws {
        try await Harness.run(Harness.configuration(version: version)) { jenkins in
            let byOwner = try await jenkins.client.listTokens(user: "alice", as: Seed.alice)
            #expect(byOwner.sorted { $0.name < $1.name } == Self.expected)
            let byAdmin = try await jenkins.client.listTokens(user: "alice", as: Seed.admin)
            #expect(byAdmin.sorted { $0.name < $1.name } == Self.expected)
            #expect(try await jenkins.client.version(as: Seed.alice) == JenkinsVersion(version))
        }
    }

    @Test("a newly minted token shows up in the list")
    func mintedTokenListed() async throws {
        try await Harness.run { jenkins in
            let minted = try await jenkins.client.generateToken(
                forUser: "alice", name: "fresh", expirationDays: 7, as: Seed.alice)
            let listed = try await jenkins.client.listTokens(user: "alice", as: Seed.alice)
            #expect(listed.contains(ListedToken(name: "fresh", uuid: minted.uuid)))
            jenkins.expectNoSecretLeaked(extra: [minted.value.reveal()])
        }
    }

    @Test("another user's security page is an access-denied error")
    func otherUsersPage() async throws {
        try await Harness.run { jenkins in
            let error = await expectJenkinsError {
                _ = try await jenkins.client.listTokens(user: "rotation-admin", as: Seed.alice)
            }
            switch error {
            case .missingAdminister, .permissionDenied: #expect(error?.stopsController == true)
            default: Issue.record("expected an access-denied error, got \(String(describing: error))")
            }
        }
    }

    @Test("native expiry support follows the version")
    func nativeExpiry() {
        #expect(JenkinsVersion("2.547")?.supportsTokenExpiry == false)
        #expect(JenkinsVersion("2.548")?.supportsTokenExpiry == true)
        #expect(ControllerCheck(controller: "c", url: "u", version: JenkinsVersion("2.555.1")).supportsNativeExpiry)
    }
}
