import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("Fault injection")
struct FaultTests {
    let generate = "me/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken"
    let revoke = "me/descriptorByName/jenkins.security.ApiTokenProperty/revoke"

    @Test(
        "fault specs parse, print back, and reject nonsense",
        arguments: [
            "generate:status=503,count=2", "generate:drop,nth=3", "any:slow=200ms", "revoke:revoke-noop",
            "generate:hold", "generate:hold-before,nth=2", "whoami:status=401,count=1", "generate:commit-500",
            "generate:status=500,rate=0.25,seed=7",
        ])
    func parsing(spec: String) throws {
        let fault = try SimulatorFault.parse(spec)
        #expect(try SimulatorFault.parse(fault.description) == fault)
    }

    @Test(
        "bad fault specs are usage errors",
        arguments: [
            "generate", "nowhere:drop", "generate:explode", "generate:status=abc", "generate:drop,count=0",
            "generate:drop,rate=2", "generate:slow=fast", "generate:drop,colour=red",
        ])
    func badSpecs(spec: String) {
        #expect(throws: SimulatorError.self) { try SimulatorFault.parse(spec) }
    }

    @Test("status=N,count=K fails the next K calls, then calls succeed")
    func statusCount() async throws {
        try await Harness.with(
            try Harness.configuration { $0.faults = [try SimulatorFault.parse("generate:status=503,count=2")] }
        ) {
            (sim: Harness) async throws in
            #expect(try await sim.send(.POST, generate, as: Harness.alice).status == 503)
            #expect(try await sim.send(.POST, generate, as: Harness.alice).status == 503)
            #expect(try await sim.send(.POST, generate, as: Harness.alice).status == 200)
            #expect(await sim.simulator.tokens(of: "alice").count == 2)
            #expect(try await sim.send(.GET, "whoAmI/api/json", as: Harness.alice).status == 200)
        }
    }

    @Test("rate faults are deterministic for a seed")
    func rateIsSeeded() async throws {
        func pattern() async throws -> [Int] {
            var statuses: [Int] = []
            try await Harness.with(
                try Harness.configuration {
                    $0.faults = [try SimulatorFault.parse("whoami:status=500,rate=0.5,seed=42")]
                }
            ) {
                (sim: Harness) async throws in
                for _ in 0..<20 { statuses.append(try await sim.send(.GET, "whoAmI/api/json").status) }
            }
            return statuses
        }
        let first = try await pattern()
        #expect(first == (try await pattern()))
        #expect(first.contains(500) && first.contains(200))
    }

    @Test("drop commits the token, then closes the connection without an answer")
    func dropAfterCommit() async throws {
        try await Harness.with { (sim: Harness) async throws in
            try await sim.simulator.addFault("generate:drop,nth=1")
            await #expect(throws: (any Error).self) {
                try await sim.send(.POST, generate, as: Harness.alice, form: [("newTokenName", "orphan")])
            }
            #expect(await sim.simulator.tokens(of: "alice").contains { $0.name == "orphan" })
            #expect(try await sim.send(.POST, generate, as: Harness.alice).status == 200)
            #expect(await sim.simulator.requestLog().contains { $0.endpoint == .generate && $0.status == 0 })
        }
    }

    @Test("commit-500 creates the token and answers 500")
    func commitThen500() async throws {
        try await Harness.with { (sim: Harness) async throws in
            try await sim.simulator.addFault("generate:commit-500,count=1")
            let reply = try await sim.send(.POST, generate, as: Harness.alice, form: [("newTokenName", "orphan")])
            #expect(reply.status == 500)
            #expect(await sim.simulator.tokens(of: "alice").contains { $0.name == "orphan" })
        }
    }

    @Test("revoke-noop answers 200 but revokes nothing")
    func revokeNoop() async throws {
        try await Harness.with { (sim: Harness) async throws in
            try await sim.simulator.addFault("revoke:revoke-noop")
            let reply = try await sim.send(
                .POST, revoke, as: Harness.alice, form: [("tokenUuid", Harness.aliceTokenUUID)])
            #expect(reply.status == 200)
            #expect(await sim.simulator.tokens(of: "alice").count == 1)
        }
    }

    @Test("slow delays the answer by at least its duration")
    func slow() async throws {
        try await Harness.with { (sim: Harness) async throws in
            try await sim.simulator.addFault("whoami:slow=150ms")
            let start = ContinuousClock.now
            #expect(try await sim.send(.GET, "whoAmI/api/json").status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(150))
        }
    }

    @Test("hold parks the request after the commit until released")
    func holdAfterCommit() async throws {
        try await Harness.with { (sim: Harness) async throws in
            try await sim.simulator.addFault("generate:hold")
            let request = Task {
                try await sim.send(.POST, generate, as: Harness.alice, form: [("newTokenName", "held")])
            }
            await sim.simulator.waitUntilHeld()
            #expect(await sim.simulator.heldCount() == 1)
            #expect(await sim.simulator.tokens(of: "alice").contains { $0.name == "held" })
            await sim.simulator.releaseHeld()
            #expect(try await request.value.status == 200)
            // Only the first request was held.
            #expect(try await sim.send(.POST, generate, as: Harness.alice).status == 200)
        }
    }

    @Test("hold-before parks the request before any effect; stopping the simulator drops it")
    func holdBeforeCommitAndStop() async throws {
        var configuration = SimulatorConfiguration(users: Harness.defaultUsers())
        configuration.faults = [try SimulatorFault.parse("generate:hold-before,nth=2")]
        let simulator = try await JenkinsSimulator.start(configuration)
        let sim = Harness(simulator: simulator, client: HTTPClient.shared)
        #expect(try await sim.send(.POST, generate, as: Harness.alice).status == 200)
        let request = Task { try await sim.send(.POST, generate, as: Harness.alice, form: [("newTokenName", "later")]) }
        await simulator.waitUntilHeld()
        #expect(await !simulator.tokens(of: "alice").contains { $0.name == "later" })
        await simulator.stop()
        await #expect(throws: (any Error).self) { try await request.value }
    }

    @Test("faults can be added, listed and cleared over /_sim/faults")
    func runtimeFaults() async throws {
        try await Harness.with { (sim: Harness) async throws in
            let added = try await sim.send(.POST, "_sim/faults", rawBody: #"{"faults":["whoami:status=418,count=1"]}"#)
            #expect(added.status == 200)
            #expect(added.body.contains("whoami:status=418,count=1"))
            #expect(try await sim.send(.GET, "whoAmI/api/json").status == 418)
            #expect(try await sim.send(.GET, "whoAmI/api/json").status == 200)
            let bad = try await sim.send(.POST, "_sim/faults", rawBody: #"{"fault":"whoami:boom"}"#)
            #expect(bad.status == 400)
            _ = try await sim.send(.POST, "_sim/faults", rawBody: #"{"fault":"any:status=503"}"#)
            #expect(try await sim.send(.GET, "whoAmI/api/json").status == 503)
            #expect(try await sim.send(.GET, "_sim/state").status == 200)
            _ = try await sim.send(.DELETE, "_sim/faults")
            #expect(try await sim.send(.GET, "whoAmI/api/json").status == 200)
        }
    }

    @Test("latency delays every Jenkins request")
    func latency() async throws {
        try await Harness.with(Harness.configuration { $0.latency = .milliseconds(100) }) {
            (sim: Harness) async throws in
            let start = ContinuousClock.now
            _ = try await sim.send(.GET, "whoAmI/api/json")
            #expect(ContinuousClock.now - start >= .milliseconds(100))
        }
    }
}
