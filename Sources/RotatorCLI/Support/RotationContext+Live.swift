import Foundation
import RotatorCore
import TokenSinks

extension RotationContext {
    /// The context of a live command that changes tokens (`rotate`, `issue`, `revoke`): the inventory's journal
    /// (SQLite's with group commit), its claims when rotators share it, the policy's sinks, and the run's clock.
    static func live(
        policy: RotationPolicy, inventory: any InventoryDatabase, global: GlobalOptions, env: CommandEnvironment
    ) -> RotationContext {
        var context = RotationContext(
            policy: policy, inventory: inventory, journal: inventory.rotationJournal(),
            sinks: SinkFactory.live(policy: policy, env: env), now: global.clock(env), logger: env.logger)
        context.claims = inventory.claims
        return context
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
