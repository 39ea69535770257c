import ArgumentParser
import Foundation
import InventoryStore
import JenkinsAPI
import Logging
import RotatorCore
import TokenSinks

extension RotatorCommand {
    struct Reconcile: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the inventory with the tokens Jenkins shows on each managed user's security page.",
            discussion: """
                For each controller, for each user with an active or retiring token there, reads the user's \
                security page as the controller's auth identity (in self mode without one: as the user, with a \
                token of theirs that a file sink holds) and prints one row per token: managed (known to \
                the inventory), orphan (unknown, but named as the tool names what it mints for that user, or as a \
                rotation left uncertain), unmanaged (unknown, any other name: never touched), missing (in the \
                inventory, not in Jenkins). Records each managed token's use count and last use for `report`. \
                A page that cannot be read, or that has no API-token section, fails that user. \
                --revoke-orphans revokes orphans (never unmanaged tokens) and checks the page again; \
                --forget-missing marks missing rows revoked ("gone from Jenkins"). Every change is an event. \
                Exits 0 when no orphan or missing row remains and every page was read, 1 otherwise.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("controller"), help: "Only this controller (repeatable).")
        var controllers: [String] = []
        @Option(help: ArgumentHelp("Only users matching this glob.", valueName: "glob"))
        var user: String?
        @Flag(name: .customLong("revoke-orphans"), help: "Revoke the orphans found (never unmanaged tokens).")
        var revokeOrphans = false
        @Flag(name: .customLong("forget-missing"), help: "Mark missing inventory rows revoked: gone from Jenkins.")
        var forgetMissing = false
        @OptionGroup var output: RowFormatOption

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let policy = try global.loadPolicy(env)
            let location = global.inventoryLocation(env)
            // Changes to tokens take the run lock, as rotate does; reading pages and recording usage do not.
            let lock = revokeOrphans || forgetMissing ? try location.acquireRunLock() : nil
            defer { lock?.release() }
            // SPEC §8.2: never create or migrate (exit 2 naming the path and `migrate`); it records usage, so it then
            // opens the current inventory for writing.
            try await location.openReadOnly(env).close()
            return try await location.openForWriting(env).closing { inventory in
                try await reconcile(policy: policy, inventory, env)
            }
        }

        private func reconcile(
            policy: RotationPolicy, _ inventory: any InventoryDatabase, _ env: CommandEnvironment
        ) async throws -> ExitStatus {
            let tokens = try await inventory.tokens(includeRevoked: true)
            let unfinished = try await inventory.unfinishedRotations()
            let userGlob = user.map(Glob.init)
            var usersByController: [String: Set<String>] = [:]
            for token in tokens where token.state != .revoked && (userGlob?.matches(token.user) ?? true) {
                if !controllers.isEmpty && !controllers.contains(token.controller) { continue }
                guard policy.controller(token.controller) != nil else {
                    env.logger.warning(
                        "skipping a token whose controller is not in the policy",
                        metadata: ["controller": "\(token.controller)", "uuid": "\(token.uuid)"])
                    continue
                }
                usersByController[token.controller, default: []].insert(token.user)
            }
            let context = Context(
                policy: policy, inventory: inventory, tokens: tokens, unfinished: unfinished, now: global.now(env),
                env: env)
            let findings = try await LiveJenkins.withControllers(
                policy: policy, ids: Set(controllers), env: env
            ) { live in
                var findings: [ReconcileFinding] = []
                for controller in live {
                    for user in (usersByController[controller.config.id] ?? []).sorted() {
                        findings += try await reconcile(user: user, on: controller, context)
                    }
                }
                return findings
            }
            let writer = RowWriter<ReconcileRow>(format: output.format, output: env.stdout)
            for finding in findings { writer.write(ReconcileRow(finding)) }
            writer.finish()
            return findings.contains(where: \.isOutstanding) ? .tokenFailures : .success
        }

        struct Context {
            var policy: RotationPolicy
            var inventory: any InventoryDatabase
            var tokens: [InventoryToken]
            var unfinished: [JournalEntry]
            var now: Date
            var env: CommandEnvironment
        }

        private func reconcile(
            user: String, on controller: LiveJenkins.Controller, _ context: Context
        ) async throws -> [ReconcileFinding] {
            let id = controller.config.id
            var logger = context.env.logger
            logger[metadataKey: "controller"] = "\(id)"
            logger[metadataKey: "user"] = "\(user)"
            func failed(_ reason: String) -> [ReconcileFinding] {
                logger.error("cannot reconcile this user", metadata: ["error": "\(reason)"])
                return [
                    ReconcileFinding(
                        controller: id, user: user, name: "", uuid: nil, kind: nil, action: .failed, error: reason)
                ]
            }
            let credential: JenkinsCredential
            switch controller.credential {
            case .failure(let error): return failed("\(error)")
            case .success(nil):
                // Self mode: the user reads their own page with a token of theirs that a file sink holds.
                guard let own = await ownCredential(user: user, controller: id, context) else {
                    return failed(
                        "controller \(id) has no auth block (self mode) and no file sink holds a token of \(user): "
                            + "put one there, or give the controller an auth identity with Overall/Administer")
                }
                credential = own
            case .success(let resolved?): credential = resolved
            }
            let listed: [ListedToken]
            do {
                listed = try await controller.client.listTokens(user: user, as: credential)
            } catch {
                return failed("\(error)")
            }
            let userTokens = context.tokens.filter { $0.controller == id && $0.user == user }
            let minted = MintedNames(
                controller: id, user: user, tokens: userTokens,
                unfinishedNames: context.unfinished.filter { $0.controller == id && $0.user == user }
                    .compactMap(\.newName),
                policy: context.policy)
            var findings = Reconciler.classify(
                controller: id, user: user, listed: listed, inventoryTokens: userTokens, mintedNames: minted)
            let wallClock = context.env.now()
            try await context.inventory.recordUsage(
                findings.filter { $0.kind == .managed }.compactMap { finding in
                    finding.uuid.map { uuid in
                        TokenUsage(
                            uuid: uuid, useCount: finding.useCount,
                            lastUsed: finding.lastUsedDays.map { Reconciler.day(daysBefore: wallClock, $0) })
                    }
                })
            var revokedAny = false
            for index in findings.indices {
                let finding = findings[index]
                guard let uuid = finding.uuid else { continue }
                if finding.kind == .orphan && revokeOrphans {
                    do {
                        try await controller.client.revokeToken(user: user, uuid: uuid, as: credential)
                        findings[index].action = .revoked
                        revokedAny = true
                    } catch {
                        findings[index].action = .failed
                        findings[index].error = "revoke failed: \(error)"
                    }
                } else if finding.kind == .missing && forgetMissing {
                    try await context.inventory.markRevoked(
                        uuid: uuid, at: context.now,
                        events: [
                            InventoryEvent(
                                at: context.now, controller: id, user: user, name: finding.name, uuid: uuid,
                                kind: "reconcile.forgotten", message: "gone from Jenkins (reconcile --forget-missing)")
                        ])
                    findings[index].action = .forgotten
                }
            }
            if revokedAny {
                // Revoke answers 200 even for a uuid it did not remove: read the page again to confirm.
                do {
                    let still = Set(
                        try await controller.client.listTokens(user: user, as: credential).map { $0.uuid.lowercased() })
                    for index in findings.indices where findings[index].action == .revoked {
                        if let uuid = findings[index].uuid, still.contains(uuid) {
                            findings[index].action = .failed
                            findings[index].error = "Jenkins still lists the token after revoke"
                        }
                    }
                } catch {
                    for index in findings.indices where findings[index].action == .revoked {
                        findings[index].error = "revoked, but the page could not be read again to confirm: \(error)"
                    }
                }
                for finding in findings where finding.action == .revoked {
                    _ = try await context.inventory.appendEvent(
                        InventoryEvent(
                            at: context.now, controller: id, user: user, name: finding.name, uuid: finding.uuid,
                            kind: "reconcile.orphan_revoked",
                            message: "orphan revoked by reconcile --revoke-orphans (unknown to the inventory)"
                                + (finding.error.map { "; \($0)" } ?? "")))
                    logger.notice(
                        "revoked an orphan token",
                        metadata: ["token": "\(finding.name)", "uuid": "\(finding.uuid ?? "")"])
                }
            }
            return findings
        }

        /// In self mode, a token of `user` read from its rule's first file sink.
        private func ownCredential(user: String, controller: String, _ context: Context) async -> JenkinsCredential? {
            let live = context.tokens.filter { $0.controller == controller && $0.user == user && $0.state != .revoked }
            for token in live {
                let rule = context.policy.resolve(controller: controller, user: user, name: token.name)
                let values = PlaceholderValues(
                    name: token.name, user: user, controller: controller, rotationInstant: context.now, rotation: "")
                guard let sink = try? SinkFactory.firstFileSink(in: rule.settings.deliver, values: values),
                    let value = try? await sink.heldValue()
                else { continue }
                return JenkinsCredential(user: user, secret: value, kind: .apiToken)
            }
            return nil
        }
    }
}

typealias Reconcile = RotatorCommand.Reconcile
