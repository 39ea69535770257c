import AsyncHTTPClient
import Foundation
import JenkinsAPI
import JenkinsSimulator
import Logging
import RotatorCore
import Testing

/// A live simulator, a policy pointing at it, an inventory of aged tokens, and file sinks that hold each
/// token's current value: the starting point of every rotation test.
struct RotationScenario {
    enum Auth {
        case password, apiToken, selfMode
    }

    struct Seed {
        var user: String
        var name: String
        var ageDays: Int
        /// What Jenkins' page shows of the token's use (`reconcile` records it): last used this many days ago.
        var lastUsedDaysAgo: Int? = nil
    }

    struct Token {
        var user: String
        var name: String
        var uuid: String
        var value: String
        var sinkPath: String
    }

    /// Shared by every probe of the test process; never shut down (the process ends first).
    static let probeHTTPClient = HTTPClient(eventLoopGroupProvider: .singleton)

    static let adminPassword = "admin-pass-\(UUID().uuidString.prefix(6))"
    static let adminToken = makeTokenValue()

    let world: TestWorld
    let simulator: JenkinsSimulator
    let tokens: [Token]
    let now: Date

    /// Every secret the scenario knows, to prove none leaks.
    var secrets: [String] { tokens.map(\.value) + [Self.adminPassword, Self.adminToken] }

    static func make(
        auth: Auth = .password, seeds: [Seed] = [Seed(user: "alice", name: "ci", ageDays: 120)],
        adminCanGenerate: Bool = true, jenkinsVersion: String = "2.555.1", faults: [String] = [],
        extraPolicy: String = "", grace: String = "0s", deliver: String? = nil, timeout: String = "10s",
        credentials: [SimulatedCredential] = [], inventory: String? = nil
    ) async throws -> RotationScenario {
        let world = try TestWorld()
        world.inventoryArgument = inventory
        let now = Date()
        var tokens: [Token] = []
        var users = [
            SimulatedUser(
                id: "rotation-admin", password: adminPassword, admin: true,
                tokens: [SimulatedToken(name: "rotator", value: adminToken)])
        ]
        for seed in seeds {
            let value = makeTokenValue()
            let uuid = UUID().uuidString.lowercased()
            let created = now.addingTimeInterval(-Double(seed.ageDays) * 86_400)
            let sinkPath = world.path("sinks/ci/\(seed.user)/\(seed.name).token")
            tokens.append(Token(user: seed.user, name: seed.name, uuid: uuid, value: value, sinkPath: sinkPath))
            let token = SimulatedToken(
                name: seed.name, uuid: uuid, value: value, created: created,
                useCounter: seed.lastUsedDaysAgo == nil ? 0 : 7,
                lastUseDate: seed.lastUsedDaysAgo.map { now.addingTimeInterval(-Double($0) * 86_400) })
            if let index = users.firstIndex(where: { $0.id == seed.user }) {
                users[index].tokens.append(token)
            } else {
                users.append(SimulatedUser(id: seed.user, password: "\(seed.user)-pw", tokens: [token]))
            }
            _ = try world.write(value + "\n", to: "sinks/ci/\(seed.user)/\(seed.name).token")
        }
        let simulator = try await world.startSimulator(
            SimulatorConfiguration(
                users: users, jenkinsVersion: jenkinsVersion, adminCanGenerate: adminCanGenerate,
                faults: try faults.map(SimulatorFault.parse), credentials: credentials))
        let authLine: String
        switch auth {
        case .password:
            authLine = "    auth: { user: rotation-admin, password_env: ADMIN_PASSWORD }\n"
            world.variables["ADMIN_PASSWORD"] = adminPassword
        case .apiToken:
            authLine = "    auth: { user: rotation-admin, token_file: \(world.path("admin.token")) }\n"
            _ = try world.write(adminToken + "\n", to: "admin.token")
        case .selfMode:
            authLine = "    mode: self\n"
        }
        let sinks =
            (deliver ?? """
                    - file: { path: "{sinks}/{controller}/{user}/{name}.token" }
                """).replacingOccurrences(of: "{sinks}", with: world.path("sinks"))
        try world.writePolicy(
            """
            version: 1
            controllers:
              ci:
                url: \(simulator.baseURL.absoluteString)
            \(authLine)    concurrency: 4
                timeout: \(timeout)
            defaults:
              max_age: 90d
              rotate_before: 14d
              grace: \(grace)
              deliver:
            \(sinks)
            \(extraPolicy)
            """)
        var csv = "controller,user,name,uuid,created\n"
        for (seed, token) in zip(seeds, tokens) {
            let created = now.addingTimeInterval(-Double(seed.ageDays) * 86_400)
            csv += "ci,\(token.user),\(token.name),\(token.uuid),\(Timestamp.format(created))\n"
        }
        let file = try world.write(csv, to: "seed.csv")
        let imported = await world.run(["inventory", "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        return RotationScenario(world: world, simulator: simulator, tokens: tokens, now: now)
    }

    func stop() async {
        await simulator.stop()
    }

    func sinkValue(_ token: Token) -> String? {
        (try? String(contentsOfFile: token.sinkPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `value` authenticates as `user` right now (asked through `/whoAmI` with our client).
    func authenticates(_ value: String, as user: String) async throws -> Bool {
        let config = ControllerConfig(id: "ci", url: simulator.baseURL, timeout: TimeSpan(seconds: 5))
        let client = JenkinsClient(
            configuration: JenkinsClientConfiguration(config), httpClient: Self.probeHTTPClient,
            logger: Logger(label: "probe"))
        do {
            let name = try await client.whoAmI(JenkinsCredential(user: user, secret: Secret(value), kind: .apiToken))
            return name.lowercased() == user.lowercased()
        } catch let failure as any JenkinsFailure where failure.isUnauthorized {
            return false
        }
    }

    /// The uuids Jenkins (the simulator) holds for `user`.
    func jenkinsTokens(of user: String) async -> [TokenSnapshot] {
        await simulator.tokens(of: user)
    }

    /// Fails the test if any secret of the scenario appears in the outputs, the database or its WAL.
    /// Runs `rotate --format json` where exactly `token` is due and checks the swap on Jenkins: its
    /// successor authenticates, it no longer does, and it is the user's only token.
    func rotateExpectingOne(
        _ token: Token, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (outcome: TestWorld.Outcome, document: [String: Any], newUUID: String, newValue: String) {
        let outcome = await world.run(["rotate", "--format", "json"])
        #expect(outcome.status == 0, "\(outcome.stderr)", sourceLocation: sourceLocation)
        let document = try #require(try decodeJSON(outcome.stdout) as? [String: Any], sourceLocation: sourceLocation)
        #expect(document["rotated"] as? Int == 1, sourceLocation: sourceLocation)
        let results = try #require(document["results"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(results.count == 1, sourceLocation: sourceLocation)
        let newUUID = try #require(results.first?["new_uuid"] as? String, sourceLocation: sourceLocation)
        let newValue = try #require(sinkValue(token), sourceLocation: sourceLocation)
        #expect(newValue != token.value, sourceLocation: sourceLocation)
        #expect(try await authenticates(newValue, as: token.user), sourceLocation: sourceLocation)
        #expect(try await !authenticates(token.value, as: token.user), sourceLocation: sourceLocation)
        #expect(await jenkinsTokens(of: token.user).map(\.uuid) == [newUUID], sourceLocation: sourceLocation)
        return (outcome, document, newUUID, newValue)
    }

    func expectNoSecretLeaks(_ outputs: [TestWorld.Outcome], extra: [String] = []) throws {
        var haystacks = outputs.flatMap { [$0.stdout, $0.stderr] }
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: world.database + suffix) {
                haystacks.append(String(decoding: data, as: UTF8.self))
            }
        }
        for secret in secrets + extra where !secret.isEmpty {
            for haystack in haystacks {
                #expect(!haystack.contains(secret), "a secret leaked")
            }
        }
    }
}
