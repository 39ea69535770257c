import Foundation
import JenkinsSimulator
import PostgresTestSupport
import RotatorCore
import Testing

/// SPEC §8.11 with real processes: four `token-rotator rotate` executables share one PostgreSQL inventory of 400 due
/// tokens over two simulated controllers and divide them through claims, so that each token is rotated exactly once
/// (checked against both simulators' records); with one of them SIGKILLed mid-run, its claims expire after the lease
/// and the next run finishes its work, again rotating nothing twice.
@Suite("Several rotators on one PostgreSQL inventory", .serialized)
struct SharedInventoryProcessTests {
    static let controllers = ["east", "west"]
    static let usersPerController = 10
    static let tokensPerUser = 20
    static var tokenCount: Int { controllers.count * usersPerController * tokensPerUser }

    /// Two simulators, a policy over both (a 2 s claim lease), and 400 tokens 120 days old in a fresh PostgreSQL
    /// inventory.
    struct Estate {
        let world: TestWorld
        let simulators: [String: JenkinsSimulator]
        let original: Set<String>

        static func make() async throws -> Estate {
            let world = try TestWorld()
            world.inventoryArgument = try await PostgresCluster.shared().makeDatabase()
            world.variables["ADMIN_PASSWORD"] = RotationScenario.adminPassword
            let created = Date().addingTimeInterval(-120 * 86_400)
            var simulators: [String: JenkinsSimulator] = [:]
            var csv = "controller,user,name,uuid,created\n"
            var original: Set<String> = []
            var policy = "version: 1\ncontrollers:\n"
            for controller in controllers {
                var users = [SimulatedUser(id: "rotation-admin", password: RotationScenario.adminPassword, admin: true)]
                for user in 0..<usersPerController {
                    let id = "\(controller)-user\(user)"
                    var simulated = SimulatedUser(id: id, password: "\(id)-pw")
                    for number in 0..<tokensPerUser {
                        let uuid = UUID().uuidString.lowercased()
                        simulated.tokens.append(
                            SimulatedToken(name: "t\(number)", uuid: uuid, value: makeTokenValue(), created: created))
                        csv += "\(controller),\(id),t\(number),\(uuid),\(Timestamp.format(created))\n"
                        original.insert(uuid)
                    }
                    users.append(simulated)
                }
                let simulator = try await JenkinsSimulator.start(
                    SimulatorConfiguration(users: users, adminCanGenerate: true, latency: .milliseconds(10)))
                simulators[controller] = simulator
                policy += "  \(controller):\n    url: \(simulator.baseURL.absoluteString)\n"
                policy += "    auth: { user: rotation-admin, password_env: ADMIN_PASSWORD }\n    concurrency: 4\n"
            }
            policy += """

                defaults:
                  max_age: 90d
                  rotate_before: 14d
                  deliver:
                    - file: { path: "\(world.path("sinks"))/{controller}/{user}/{name}.token" }
                limits:
                  claim_lease: 2s
                """
            try world.writePolicy(policy)
            let imported = await world.run(["inventory", "import", try world.write(csv, to: "estate.csv")])
            #expect(imported.status == 0, "\(imported.stderr)")
            return Estate(world: world, simulators: simulators, original: original)
        }

        func stop() async {
            for simulator in simulators.values { await simulator.stop() }
        }

        /// `rotate` as a child process of the real executable.
        func startRotator(asOf: String?, output: String) throws -> Process {
            let binary = try #require(CrashTests.executable, "build the token-rotator executable first")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments =
                [
                    "rotate", "--db", world.inventoryArgument!, "--policy", world.policyPath, "--log-format", "json",
                    "--format", "json",
                ]
                + (asOf.map { ["--as-of", $0] } ?? [])
            process.environment = world.variables.merging(["PATH": "/usr/bin:/bin"]) { $1 }
            #expect(FileManager.default.createFile(atPath: world.path(output), contents: nil))
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: world.path(output)))
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        /// How many tokens the rotator that wrote `output` (its `--format json` summary) rotated.
        func rotated(_ output: String) throws -> Int {
            let text = try String(contentsOfFile: world.path(output), encoding: .utf8)
            return try #require((try decodeJSON(text) as? [String: Any])?["rotated"] as? Int, "\(output): \(text)")
        }

        /// The `--format json` summaries of the rotators that did not exit 0, for a failure's message.
        func summaries(of rotators: [Process], _ prefix: String) -> String {
            rotators.indices.filter { rotators[$0].terminationStatus != 0 }.map { index in
                let output = "\(prefix)-\(index).json"
                return "\(output): "
                    + ((try? String(contentsOfFile: world.path(output), encoding: .utf8)) ?? "unreadable")
            }.joined(separator: "\n")
        }

        /// Successful generate requests on both simulators.
        func generated() async -> Int {
            var count = 0
            for simulator in simulators.values {
                count += await simulator.requestLog().filter { $0.endpoint == .generate && $0.status == 200 }.count
            }
            return count
        }

        /// Every user holds exactly its 20 names once, none of them a token of `before`; each is the active token of
        /// its name in the inventory, and what its file sink holds. Returns the tokens Jenkins holds now.
        func expectEveryTokenRotatedOnce(from before: Set<String>, _ label: String) async throws -> Set<String> {
            let list = await world.run(["inventory", "list", "--format", "json"])
            let rows = try #require(try decodeJSON(list.stdout) as? [[String: Any]])
            let active = Set(rows.filter { $0["state"] as? String == "active" }.compactMap { $0["uuid"] as? String })
            var held: Set<String> = []
            for (controller, simulator) in simulators {
                for user in 0..<usersPerController {
                    let id = "\(controller)-user\(user)"
                    let tokens = await simulator.tokens(of: id)
                    #expect(
                        tokens.map(\.name).sorted() == (0..<tokensPerUser).map { "t\($0)" }.sorted(), "\(label) \(id)")
                    held.formUnion(tokens.map(\.uuid))
                }
            }
            #expect(held.count == tokenCount, "\(label)")
            #expect(held.isDisjoint(with: before), "\(label): a token that was due is still in Jenkins")
            #expect(active == held, "\(label): the inventory's active tokens are not the ones Jenkins holds")
            let history = await world.run(["history", "--format", "json"])
            let rotations = try #require(try decodeJSON(history.stdout) as? [[String: Any]])
            let completed = rotations.filter { $0["outcome"] as? String == "rotated" }
            let rotatedFrom = completed.compactMap { $0["old_uuid"] as? String }.filter(before.contains)
            #expect(rotatedFrom.count == tokenCount, "\(label): \(rotatedFrom.count) completed rotations")
            #expect(Set(rotatedFrom).count == rotatedFrom.count, "\(label): a token was rotated twice")
            return held
        }
    }

    @Test(
        "four rotate processes divide 400 due tokens: each is rotated exactly once; one SIGKILLed, the next run finishes"
    )
    func fourProcesses() async throws {
        let estate = try await Estate.make()
        defer { Task { await estate.stop() } }

        // Four at once, none killed: every token exactly once, as many generate requests as tokens.
        let rotators = try (0..<4).map { try estate.startRotator(asOf: nil, output: "first-\($0).json") }
        for rotator in rotators { await rotator.exited() }
        #expect(rotators.map(\.terminationStatus) == [0, 0, 0, 0], "\(estate.summaries(of: rotators, "first"))")
        let shares = try (0..<4).map { try estate.rotated("first-\($0).json") }
        #expect(shares.reduce(0, +) == Self.tokenCount, "\(shares)")
        #expect(shares.filter { $0 > 0 }.count > 1, "the processes did not share the work: \(shares)")
        #expect(await estate.generated() == Self.tokenCount)
        let first = try await estate.expectEveryTokenRotatedOnce(from: estate.original, "four processes")

        // 100 days later all 400 are due again. One of four is killed while it holds claims.
        let later = Timestamp.format(Date().addingTimeInterval(100 * 86_400))
        // The one to be killed starts first and is into its work before the others start, so that it still holds
        // claims and unfinished rotations when it dies, however slowly processes start (under AddressSanitizer the
        // others once took every token before it claimed one).
        let victim = try estate.startRotator(asOf: later, output: "again-0.json")
        while await estate.generated() < Self.tokenCount + 20, victim.isRunning {
            try await Task.sleep(for: .milliseconds(5))
        }
        let again = try [victim] + (1..<4).map { try estate.startRotator(asOf: later, output: "again-\($0).json") }
        while await estate.generated() < Self.tokenCount + 60, victim.isRunning {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(again[0].isRunning, "the first rotator finished before it could be killed")
        kill(again[0].processIdentifier, SIGKILL)
        for rotator in again { await rotator.exited() }
        #expect(again[0].terminationReason == .uncaughtSignal)
        #expect(again[1...].map(\.terminationStatus) == [0, 0, 0])
        let survivors = try (1..<4).map { try estate.rotated("again-\($0).json") }
        #expect(survivors.reduce(0, +) < Self.tokenCount, "\(survivors)")

        // Its claims hold its tokens until the lease expires; the first run that starts after that finishes them.
        try await Task.sleep(for: .milliseconds(2_500))
        let next = await estate.world.run(["rotate", "--as-of", later, "--format", "json"])
        #expect(next.status == 0, "\(next.stdout)\n\(next.stderr.suffix(4_000))")
        let document = try #require(try decodeJSON(next.stdout) as? [String: Any])
        let resumed = (document["results"] as? [[String: Any]])?.count ?? 0
        #expect(resumed > 0, "the killed rotator left no work for the next run")
        _ = try await estate.expectEveryTokenRotatedOnce(from: first, "after the kill")
        let final = await estate.world.run(["rotate", "--as-of", later, "--format", "json"])
        #expect((try decodeJSON(final.stdout) as? [String: Any])?["rotated"] as? Int == 0)
    }
}
