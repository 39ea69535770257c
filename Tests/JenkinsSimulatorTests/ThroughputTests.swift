import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("Throughput (opt-in: JENKINS_SIM_BENCH=1)")
struct ThroughputTests {
    @Test(
        "generate+revoke pairs per second through a real client",
        .enabled(if: ProcessInfo.processInfo.environment["JENKINS_SIM_BENCH"] == "1"))
    func pairsPerSecond() async throws {
        try await Harness.with { (sim: Harness) async throws in
            let pairs = 4_000
            let workers = 8
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<workers {
                    group.addTask {
                        for _ in 0..<(pairs / workers) {
                            let generated = try await sim.send(
                                .POST, "me/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken",
                                as: Harness.alice, form: [("newTokenName", "bench")])
                            let uuid = (generated.json["data"] as? [String: Any])?["tokenUuid"] as? String ?? ""
                            let revoked = try await sim.send(
                                .POST, "me/descriptorByName/jenkins.security.ApiTokenProperty/revoke",
                                as: Harness.alice, form: [("tokenUuid", uuid)])
                            #expect(revoked.status == 200)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("jenkins-sim throughput: \(Int(Double(pairs) / seconds)) generate+revoke pairs/s")
            #expect(await sim.simulator.tokens(of: "alice").count == 1)
        }
    }
}
