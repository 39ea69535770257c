import Foundation
import Logging

/// Finishes or undoes the rotations an earlier run left unfinished (SPEC §4.2, §4.3, §7). What to do is decided by
/// ``RecoveryDecision`` from the step the row reached and what each sink holds now; this type reads those inputs
/// and carries the action out. docs/operations.md argues each case.
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
        let phase = entry.recoveryPhase
        if phase == .planned {
            let reason = "interrupted before anything was sent to Jenkins; nothing changed"
            try entry.fail(reason, at: context.now())
            try await context.save(entry, reason)
            return nil
        }
        if phase == .finished { return nil }
        let values = PlaceholderValues(
            name: entry.name, user: entry.user, controller: entry.controller, rotationInstant: entry.started,
            rotation: String(entry.id ?? 0))
        let sinks: [any SecretSink]
        do {
            sinks = try context.sinks.makeSinks(rule.settings.deliver, values: values)
        } catch {
            // Without its sinks nothing can be read or undone: leave the row for a run whose policy can make them.
            return try await wait(&entry, "cannot resume: the rule's sinks cannot be made (\(error))")
        }
        let read = await SinkReadings.read(
            sinks, newFingerprint: entry.newFingerprint, oldFingerprint: token.fingerprint)
        let action = RecoveryDecision.decide(phase, sinks: read.readings)
        if action == .settleLostGenerate {
            return try await settleLostGenerate(&entry, token: token, read: read)
        }
        if action == .wait {
            return try await wait(
                &entry,
                read.unreadable.joined(separator: "; ")
                    + "; it may hold the new token \(entry.newUUID ?? ""), so nothing is revoked until it can be read; "
                    + "both tokens stay valid")
        }
        let worker = TokenRotation(context: context, connection: connection, token: token, settings: rule.settings)
        let acting: JenkinsCredential
        do {
            acting = try TokenRotation.actingCredential(
                connection, user: token.user, ownValue: read.oldValue ?? read.newValue, sinks: sinks)
        } catch {
            return park(&entry, "cannot resume: \(error)")
        }
        switch action {
        case .retireOld:
            // Verified: every sink holds a working successor; only the old token is left.
            let revokeAs =
                config.mode == .self
                ? read.newValue.map { JenkinsCredential(user: token.user, secret: $0, kind: .apiToken) } ?? acting
                : acting
            return try await worker.retireOld(&entry, revokeAs: revokeAs, oldValue: read.oldValue)
        case .goForward(let canUndo):
            return try await goForward(
                &entry, worker: worker, read: read, canUndo: canUndo, acting: acting, oldToken: oldToken,
                settings: rule.settings)
        case .undo:
            let leftHolding = try await SinkDelivery.allReached(
                sinks: sinks, snapshots: read.snapshots, newFingerprint: entry.newFingerprint ?? "",
                old: read.oldValue.map { worker.oldDeliveryFor($0) }
            ).undo()
            return try await worker.finishRollback(
                &entry, newValue: read.newValue, revokeAs: acting, notes: [entry.error ?? "rolled back"] + leftHolding)
        case .revokeUnreached:
            // Every sink was read and none holds the new value: no consumer ever had it. A crash's leftovers,
            // undone: nothing to report unless the revoke failed (then the row stays open).
            let reason = "interrupted before the new token reached any sink (none holds it)"
            try entry.beginRollback(reason)
            let result = try await worker.finishRollback(&entry, newValue: nil, revokeAs: acting, notes: [reason])
            return entry.step == .rolledBack ? nil : result
        case .supersede:
            return try await supersede(
                &entry, token: oldToken, settings: rule.settings, sinks: sinks, revokeAs: acting)
        case .close, .settleLostGenerate, .wait, .nothing:
            // Decided above, before the sinks' values were needed.
            return nil
        }
    }

    /// A readable sink holds the new value: deliver it everywhere, verify, retire the old token. A new token that
    /// no longer authenticates (revoked by hand in the meantime) is not delivered further: it is undone when the old
    /// value is at hand, else superseded by a fresh successor.
    private func goForward(
        _ entry: inout JournalEntry, worker: TokenRotation, read: SinkReadings, canUndo: Bool,
        acting: JenkinsCredential, oldToken: InventoryToken?, settings: TokenSettings
    ) async throws -> RotationResult? {
        guard let newValue = read.newValue else { throw IllegalTransition(from: entry.step, to: .verified) }
        if entry.isRollingBack {
            try entry.abandonRollback(
                "the rollback cannot finish: \(read.holdingNew.joined(separator: ", ")) hold(s) the new token and the "
                    + "old value is in no sink to put back; going forward instead")
        }
        if settings.verify, let rejected = await rejection(of: newValue, user: entry.user) {
            if canUndo {
                return try await worker.rollBack(
                    &entry, newValue: newValue,
                    delivery: try await SinkDelivery.allReached(
                        sinks: read.sinks, snapshots: read.snapshots, newFingerprint: newValue.fingerprint,
                        old: read.oldValue.map { worker.oldDeliveryFor($0) }),
                    revokeAs: acting, reason: "resumed, but \(rejected)", cause: nil)
            }
            return try await supersede(
                &entry, token: oldToken, settings: settings, sinks: read.sinks, revokeAs: acting,
                because: "the new token \(entry.newUUID ?? "") held by \(read.holdingNew.joined(separator: ", ")) "
                    + "\(rejected)")
        }
        return try await worker.deliverAndFinish(
            &entry, newValue: newValue, sinks: read.sinks, snapshots: read.snapshots, actingCredential: acting,
            oldValue: read.oldValue)
    }

    /// Why the new value does not serve its user, or nil when it authenticates as them (or Jenkins cannot tell now:
    /// the delivery's own verify then decides).
    private func rejection(of value: Secret, user: String) async -> String? {
        do {
            let name = try await connection.api.whoAmI(JenkinsCredential(user: user, secret: value, kind: .apiToken))
            return name.lowercased() == user.lowercased() ? nil : "it authenticates as \(name), not \(user)"
        } catch let failure as any JenkinsFailure where failure.isUnauthorized {
            return "it no longer authenticates (\(failure))"
        } catch {
            return nil
        }
    }

    /// The row stays unfinished, with why, recorded so that `history` shows it; the run counts it as a failure.
    private func wait(_ entry: inout JournalEntry, _ reason: String) async throws -> RotationResult {
        entry.park(reason)
        try await context.save(entry, reason)
        await connection.countFailure(nil)
        context.logger.error("unfinished rotation left as it is: \(reason)", metadata: context.metadata(entry))
        return entry.result
    }

    /// A consumer may hold the minted token but its value is nowhere at hand (or the value no longer works): rotate a
    /// fresh successor into every sink, then revoke the stranded token. Until that succeeds the row stays
    /// unfinished, both tokens valid.
    private func supersede(
        _ entry: inout JournalEntry, token: InventoryToken?, settings: TokenSettings, sinks: [any SecretSink],
        revokeAs: JenkinsCredential, because cause: String? = nil
    ) async throws -> RotationResult? {
        guard let stranded = entry.newUUID else { throw IllegalTransition(from: entry.step, to: .rolledBack) }
        let why = cause ?? "the new token \(stranded) may have reached a sink that cannot be read back"
        guard let token else {
            return park(&entry, "cannot resume: the token it replaces is no longer in the inventory")
        }
        var fresh: RotationResult?
        if token.state == .active && token.replacedBy == nil {
            let result = try await TokenRotation(
                context: context, connection: connection, token: token, settings: settings
            ).run()
            guard result.outcome == .rotated else {
                return try await wait(
                    &entry,
                    "\(why), and rotating a fresh successor into every sink failed (\(result.error ?? "unknown")); "
                        + "both tokens stay valid and the next run tries again")
            }
            fresh = result
        }
        // Every sink now holds a verified successor: no consumer still depends on the stranded token. In self mode
        // the old token may be gone: the successor, which the file sink now holds, acts.
        let worker = TokenRotation(context: context, connection: connection, token: token, settings: settings)
        var revokeAs = revokeAs
        if config.mode == .self, let successorUUID = fresh?.newUUID ?? token.replacedBy,
            let successor = try await context.inventory.token(uuid: successorUUID)
        {
            let read = await SinkReadings.read(sinks, newFingerprint: successor.fingerprint, oldFingerprint: nil)
            if let value = read.newValue {
                revokeAs = JenkinsCredential(user: token.user, secret: value, kind: .apiToken)
            }
        }
        let reason = "\(why); superseded by \(fresh?.newUUID ?? token.replacedBy ?? "a later rotation")"
        try entry.beginRollback(reason)
        let result = try await worker.finishRollback(&entry, newValue: nil, revokeAs: revokeAs, notes: [reason])
        return fresh ?? result
    }

    /// SPEC §7 "Lost generate responses".
    private func settleLostGenerate(
        _ entry: inout JournalEntry, token: InventoryToken, read: SinkReadings
    ) async throws -> RotationResult? {
        let name = entry.newName ?? entry.name
        let acting: JenkinsCredential
        do {
            acting = try TokenRotation.actingCredential(
                connection, user: token.user,
                ownValue: read.oldValue ?? (token.fingerprint == nil ? read.firstValue : nil),
                sinks: read.sinks)
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
        let settled: String
        if revoked.isEmpty {
            settled =
                "the generate response was lost; no token named \(name) unknown to the inventory exists, so none "
                + "was minted"
            try entry.fail(settled, at: context.now())
        } else {
            settled =
                "the generate response was lost; revoked the orphan token(s) \(revoked.joined(separator: ", ")) "
                + "named \(name)"
            try entry.rolledBack(settled, at: context.now())
        }
        try await context.save(entry, settled)
        context.logger.notice("settled a lost generate response", metadata: context.metadata(entry))
        return nil
    }

    /// The lost generate stays unsettled: recorded as `uncertain`, with what a person should do.
    private func recordUncertain(
        _ entry: inout JournalEntry, name: String, user: String, cause: String
    ) async throws -> RotationResult {
        let message = uncertainMessage(name: name, user: user, cause: cause)
        try entry.uncertain(message)
        try await context.save(entry, message)
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
