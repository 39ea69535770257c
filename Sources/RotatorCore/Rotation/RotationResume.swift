import Foundation
import Logging

/// Finishes or undoes the rotations an earlier run left unfinished (SPEC §4.2, §4.3, §7), by the step each one
/// reached. docs/operations.md argues each case; in short:
/// - `planned`: nothing was sent; closed as failed.
/// - `generating`/`uncertain`: the generate response was lost. The user's security page is read; tokens carrying
///   the recorded name that the inventory does not know are revoked. Without positive evidence from the page the
///   rotation stays `uncertain` for a person to settle.
/// - `minted`/`delivered` with a rollback recorded: the rollback is finished (never goes forward).
/// - `minted`/`delivered`, the new value held by a file sink: the rotation goes forward (deliver to every sink,
///   verify, retire the old token).
/// - `minted`, every sink readable and none holding the new value: no consumer has it; it is revoked.
/// - otherwise a consumer that cannot be read back (a command) may hold the new token, whose value is nowhere at
///   hand: revoking it could strand that consumer, so a fresh successor is rotated in for every sink first, and
///   only then is the unverifiable token revoked.
/// - `verified`: the old token is revoked or set retiring.
///
/// Returns the result to report, or nil when the rotation was undone cleanly (the planner then rotates the token
/// afresh if it is still due).
struct RotationResume {
    let context: RotationContext
    let connection: ControllerConnection

    private var config: ControllerConfig { connection.config }

    func resume(_ original: JournalEntry) async throws -> RotationResult? {
        var entry = original
        context.logger.notice("resuming an unfinished rotation", metadata: context.metadata(entry))
        let rule = context.policy.resolve(controller: entry.controller, user: entry.user, name: entry.name)
        let oldToken = try await entry.oldUUID.asyncMap { try await context.inventory.token(uuid: $0) } ?? nil
        let token =
            oldToken
            ?? InventoryToken(
                controller: entry.controller, user: entry.user, name: entry.name, uuid: entry.oldUUID ?? "",
                created: entry.started)
        if let successor = entry.newUUID, try await context.inventory.token(uuid: successor) != nil {
            // The successor is in the inventory: the rotation was recorded as done (nothing more to do).
            return nil
        }
        let values = PlaceholderValues(
            name: entry.name, user: entry.user, controller: entry.controller, rotationInstant: entry.started,
            rotation: String(entry.id ?? 0))
        let sinks = (try? context.sinks.makeSinks(rule.settings.deliver, values: values)) ?? []
        let worker = TokenRotation(context: context, connection: connection, token: token, settings: rule.settings)

        switch entry.step {
        case .planned:
            try entry.fail("interrupted before anything was sent to Jenkins; nothing changed", at: context.now())
            try await context.save(entry, entry.error!)
            return nil
        case .generating, .uncertain:
            return try await settleLostGenerate(&entry, token: token, sinks: sinks)
        case .minted, .delivered, .verified:
            let newValue = TokenRotation.heldValue(in: sinks, fingerprint: entry.newFingerprint)
            let oldValue = TokenRotation.heldValue(in: sinks, fingerprint: token.fingerprint)
            let acting: JenkinsCredential
            do {
                acting = try TokenRotation.actingCredential(
                    connection, user: token.user, ownValue: oldValue ?? newValue, sinks: sinks)
            } catch {
                return park(&entry, "cannot resume: \(error)")
            }
            if entry.isRollingBack {
                let leftHolding: [String]
                do {
                    leftHolding = try await SinkDelivery.allReached(
                        sinks: sinks, newFingerprint: entry.newFingerprint ?? "",
                        old: oldValue.map { worker.oldDeliveryFor($0) }
                    ).undo()
                } catch {
                    leftHolding = [
                        "the sinks could not be read to undo them (\(error)); they may hold the revoked new token"
                    ]
                }
                return try await worker.finishRollback(
                    &entry, newValue: newValue, revokeAs: acting, notes: [entry.error ?? "rolled back"] + leftHolding)
            }
            if entry.step == .verified {
                // Verified: every sink holds a working successor; only the old token is left.
                let revokeAs =
                    config.mode == .self && newValue != nil
                    ? JenkinsCredential(user: token.user, secret: newValue!, kind: .apiToken) : acting
                return try await worker.retireOld(&entry, revokeAs: revokeAs, oldValue: oldValue)
            }
            if let newValue {
                return try await worker.deliverAndFinish(
                    &entry, newValue: newValue, sinks: sinks, actingCredential: acting, oldValue: oldValue)
            }
            if entry.step == .minted, !sinks.isEmpty, sinks.allSatisfy(\.holdsValues) {
                // Every sink can be read back and none holds the new value: no consumer ever had it.
                // A crash's leftovers, undone: nothing to report unless the revoke failed (then the row stays open).
                try entry.beginRollback("interrupted before the new token reached any sink (none holds it)")
                let result = try await worker.finishRollback(
                    &entry, newValue: nil, revokeAs: acting, notes: [entry.error!])
                return entry.step == .rolledBack ? nil : result
            }
            return try await supersede(
                &entry, token: oldToken, settings: rule.settings, sinks: sinks, revokeAs: acting)
        case .done, .failed, .rolledBack:
            return nil
        }
    }

    /// A consumer may hold the minted token but its value is nowhere at hand: rotate a fresh successor into every
    /// sink, then revoke the unverifiable token. Until that succeeds the row stays unfinished, both tokens valid.
    private func supersede(
        _ entry: inout JournalEntry, token: InventoryToken?, settings: TokenSettings, sinks: [any SecretSink],
        revokeAs: JenkinsCredential
    ) async throws -> RotationResult? {
        guard let stranded = entry.newUUID else { throw IllegalTransition(from: entry.step, to: .rolledBack) }
        guard let token else {
            return park(&entry, "cannot resume: the token it replaces is no longer in the inventory")
        }
        var fresh: RotationResult?
        if token.state == .active && token.replacedBy == nil {
            let result = try await TokenRotation(
                context: context, connection: connection, token: token, settings: settings
            ).run()
            guard result.outcome == .rotated else {
                entry.park(
                    "the new token \(stranded) may have reached a sink that cannot be read back, and rotating a fresh "
                        + "successor into every sink failed (\(result.error ?? "unknown")); both tokens stay valid "
                        + "and the next run tries again")
                try await context.save(entry, entry.error!)
                await connection.countFailure(nil)
                return entry.result
            }
            fresh = result
        }
        // Every sink now holds a verified successor: no consumer still depends on the stranded token. In self mode
        // the old token may be gone: the successor, which the file sink now holds, acts.
        let worker = TokenRotation(context: context, connection: connection, token: token, settings: settings)
        var revokeAs = revokeAs
        if config.mode == .self, let successorUUID = fresh?.newUUID ?? token.replacedBy,
            let successor = try await context.inventory.token(uuid: successorUUID),
            let value = TokenRotation.heldValue(in: sinks, fingerprint: successor.fingerprint)
        {
            revokeAs = JenkinsCredential(user: token.user, secret: value, kind: .apiToken)
        }
        try entry.beginRollback(
            "the new token \(stranded) may have reached a sink that cannot be read back; superseded by "
                + "\(fresh?.newUUID ?? token.replacedBy ?? "a later rotation")")
        let result = try await worker.finishRollback(&entry, newValue: nil, revokeAs: revokeAs, notes: [entry.error!])
        return fresh ?? result
    }

    /// SPEC §7 "Lost generate responses".
    private func settleLostGenerate(
        _ entry: inout JournalEntry, token: InventoryToken, sinks: [any SecretSink]
    ) async throws -> RotationResult? {
        let name = entry.newName ?? entry.name
        let acting: JenkinsCredential
        do {
            let ownValue = try? TokenRotation.currentValue(in: sinks, fingerprint: token.fingerprint)
            acting = try TokenRotation.actingCredential(
                connection, user: token.user, ownValue: ownValue, sinks: sinks)
        } catch {
            return park(&entry, uncertainMessage(name: name, user: token.user, cause: "\(error)"))
        }
        let listed: [ListedToken]
        do {
            listed = try await connection.api.listTokens(user: token.user, as: acting)
        } catch {
            await connection.countFailure(error)
            return try await recordUncertain(
                &entry, name: name, user: token.user, cause: "its security page could not be read: \(error)")
        }
        var revoked: [String] = []
        for candidate in listed where candidate.name == name {
            guard try await !context.inventory.isKnownToken(uuid: candidate.uuid) else { continue }
            do {
                try await connection.api.revokeToken(user: token.user, uuid: candidate.uuid, as: acting)
                revoked.append(candidate.uuid)
            } catch {
                return try await recordUncertain(
                    &entry, name: name, user: token.user, cause: "revoking orphan \(candidate.uuid) failed: \(error)")
            }
        }
        if revoked.isEmpty {
            try entry.fail(
                "the generate response was lost; no token named \(name) unknown to the inventory exists, so none "
                    + "was minted", at: context.now())
        } else {
            try entry.rolledBack(
                "the generate response was lost; revoked the orphan token(s) \(revoked.joined(separator: ", ")) "
                    + "named \(name)", at: context.now())
        }
        try await context.save(entry, entry.error!)
        context.logger.notice("settled a lost generate response", metadata: context.metadata(entry))
        return nil
    }

    /// The lost generate stays unsettled: recorded as `uncertain`, with what a person should do.
    private func recordUncertain(
        _ entry: inout JournalEntry, name: String, user: String, cause: String
    ) async throws -> RotationResult {
        try entry.uncertain(uncertainMessage(name: name, user: user, cause: cause))
        try await context.save(entry, entry.error!)
        return entry.result
    }

    private func uncertainMessage(name: String, user: String, cause: String) -> String {
        "the generate response was lost and \(cause); revoke any token named \(name) of user \(user) on "
            + "\(config.url) that the inventory does not know, then run again"
    }

    /// Reported, not recorded: the row stays as it is for the next run.
    private func park(_ entry: inout JournalEntry, _ message: String) -> RotationResult {
        if entry.step == .generating || entry.step == .uncertain {
            entry.outcome = .uncertain
            entry.error = message
        } else {
            entry.park(message)
        }
        return entry.result
    }
}
