import Foundation
import InventoryStore
import RotatorCore
import TokenSinks

extension RotationContext {
    /// The context of a live command that changes tokens (`rotate`, `issue`, `revoke`): the SQLite journal with
    /// group commit, the policy's sinks, and the run's clock.
    static func live(
        policy: RotationPolicy, inventory: Inventory, global: GlobalOptions, env: CommandEnvironment
    ) -> RotationContext {
        RotationContext(
            policy: policy, inventory: inventory, journal: GroupCommitJournal(inventory: inventory),
            sinks: SinkFactory.live(policy: policy, env: env), now: global.clock(env), logger: env.logger)
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
