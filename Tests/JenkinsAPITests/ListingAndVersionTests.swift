import Foundation
import JenkinsSimulator
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("Token listing and version detection")
struct ListingAndVersionTests {
    static let expected = [
        ["ci", Seed.aliceTokenUUID],
        ["deploy & co", "5a5a5a5a-1111-4222-8333-944444444444"],
    ]

    static func namesAndUUIDs(_ tokens: [ListedToken]) -> [[String]] {
        tokens.sorted { $0.name < $1.name }.map { [$0.name, $0.uuid] }
    }

    @Test(
        "lists tokens in both markups and on the pre-2.468 configure page",
        arguments: [
            "2.462.3", "2.479.3", "2.555.1",
        ])
    func listsTokens(version: String) async throws {
        try await Harness.run(Harness.configuration(version: version)) { jenkins in
            let byOwner = try await jenkins.client.listTokens(user: "alice", as: Seed.alice)
            #expect(Self.namesAndUUIDs(byOwner) == Self.expected)
            let byAdmin = try await jenkins.client.listTokens(user: "alice", as: Seed.admin)
            #expect(Self.namesAndUUIDs(byAdmin) == Self.expected)
            #expect(try await jenkins.client.version(as: Seed.alice) == JenkinsVersion(version))
        }
    }

    /// Noon UTC, `days` calendar days before today.
    static func daysAgo(_ days: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: Date()).addingTimeInterval(Double(-days) * 86_400 + 12 * 3_600)
    }

    @Test(
        "reads each token's creation and usage over HTTP, in every markup",
        arguments: ["2.462.3", "2.492.3", "2.530", "2.555.1"])
    func usage(version: String) async throws {
        var users = Seed.users
        users[0].tokens.append(
            SimulatedToken(
                name: "used", uuid: "6b6b6b6b-1111-4222-8333-944444444444",
                value: "11" + String(repeating: "6b", count: 16),
                created: Self.daysAgo(10), useCounter: 1_042, lastUseDate: Self.daysAgo(3)))
        var configuration = Harness.configuration(version: version, users: users)
        configuration.timeZone = TimeZone(identifier: "UTC")!
        try await Harness.run(configuration) { jenkins in
            let listed = try await jenkins.client.listTokens(user: "alice", as: Seed.admin)
            let used = try #require(listed.first { $0.name == "used" })
            #expect(used.createdDaysAgo == 10)
            #expect(used.createdDaysExact)
            #expect(used.useCount == 1_042)
            #expect(used.lastUsedDaysAgo == 3)
            let idle = try #require(listed.first { $0.name == "deploy & co" })
            #expect(idle.useCount == 0)
            #expect(idle.lastUsedDaysAgo == nil)
        }
    }

    @Test("a page without the API-token section is an error, never an empty list", arguments: ["2.462.3", "2.555.1"])
    func noSection(version: String) async throws {
        try await Harness.run(Harness.configuration(version: version)) { jenkins in
            try await jenkins.simulator.addFault("security:no-section")
            let error = await expectJenkinsError {
                _ = try await jenkins.client.listTokens(user: "alice", as: Seed.admin)
            }
            guard case .malformedResponse(_, let expected, _, let lost) = error else {
                Issue.record("expected a malformed-response error, got \(String(describing: error))")
                return
            }
            #expect(expected.contains("API-token section"))
            #expect(!lost)
        }
    }

    @Test("a newly minted token shows up in the list")
    func mintedTokenListed() async throws {
        try await Harness.run { jenkins in
            let minted = try await jenkins.client.generateToken(
                forUser: "alice", name: "fresh", expirationDays: 7, as: Seed.alice)
            let listed = try await jenkins.client.listTokens(user: "alice", as: Seed.alice)
            let fresh = listed.first { $0.uuid == minted.uuid }
            #expect(fresh?.name == "fresh")
            #expect(fresh?.createdDaysAgo == 0)
            #expect(fresh?.useCount == 0)
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
