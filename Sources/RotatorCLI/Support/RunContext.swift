import Foundation
import InventoryStore
import RotatorCore
import TokenSinks

/// A run row and rotation context for the one-token commands (`issue`, `revoke`).
struct RunContext {
    var rotation: RotationContext
    var inventory: Inventory

    static func make(
        policy: RotationPolicy, inventory: Inventory, global: GlobalOptions, env: CommandEnvironment, mode: String
    ) throws -> RunContext {
        let clock = global.clock(env)
        let runID = try inventory.startRun(
            RunEntry(started: clock(), mode: mode), asOf: global.asOf.flatMap(Timestamp.parse), events: [])
        return RunContext(
            rotation: RotationContext(
                policy: policy, inventory: inventory, sinks: SinkFactory.live(policy: policy, env: env), now: clock,
                logger: env.logger, runID: runID),
            inventory: inventory)
    }

    func finish(_ result: RotationResult) {
        guard let runID = rotation.runID else { return }
        let summary = RunSummary(runID: runID, asOf: rotation.now(), results: [result])
        try? inventory.finishRun(
            id: runID, counts: summary.counts, exitCode: summary.hasFailures ? 1 : 0, finished: rotation.now(),
            events: [])
    }
}

extension SinkFactory {
    /// The sinks of a live run: sink commands inherit the tool's environment minus every variable the
    /// policy names in a `*_env` key.
    static func live(policy: RotationPolicy, env: CommandEnvironment) -> SinkFactory {
        SinkFactory(
            scrubbedVariables: Set(policy.namedSecretVariables), baseEnvironment: env.variables, logger: env.logger)
    }
}
