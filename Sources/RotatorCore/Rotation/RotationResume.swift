import Foundation
import Logging

/// Finishes or undoes the rotations an earlier run left unfinished (SPEC §4.2, §4.3, §7), by the step
/// each one reached:
/// - `planned`: nothing was sent; closed as failed.
/// - `generating`/`uncertain`: the generate response was lost. The user's security page is read; tokens
///   carrying the recorded name that the inventory does not know are revoked. If the page cannot be read,
///   the rotation stays `uncertain` for a person to settle.
/// - `minted`/`delivered`: if a file sink holds the new value (its fingerprint matches), the rotation goes
///   forward (deliver to every sink, verify, retire the old token); otherwise the new token is revoked.
/// - `verified`: the old token is revoked or set retiring.
///
/// Returns the result to report, or nil when the rotation was undone cleanly (the planner then rotates
/// the token afresh if it is still due).
struct RotationResume {
    let context: RotationContext
    let session: ControllerConnection

    func resume(_ original: JournalEntry) async throws -> RotationResult? {
        var rotation = original
        let logger = context.logger
        logger.notice("resuming an unfinished rotation", metadata: context.metadata(rotation))
        let rule = context.policy.resolve(controller: rotation.controller, user: rotation.user, name: rotation.name)
        let oldToken = try rotation.oldUUID.flatMap { try context.inventory.token(uuid: $0) }
        let token =
            oldToken
            ?? InventoryToken(
                controller: rotation.controller, user: rotation.user, name: rotation.name,
                uuid: rotation.oldUUID ?? "", created: rotation.started)
        let values = PlaceholderValues(
            name: rotation.name, user: rotation.user, controller: rotation.controller,
            rotationInstant: rotation.started, rotation: String(rotation.id ?? 0))
        let sinks = (try? context.sinks.makeSinks(rule.settings.deliver, values: values)) ?? []
        let worker = TokenRotation(context: context, session: session, token: token, settings: rule.settings)

        switch rotation.step {
        case .planned:
            rotation.step = .failed
            rotation.outcome = .failed
            rotation.finished = context.now()
            rotation.error = "interrupted before anything was sent to Jenkins; nothing changed"
            try await context.record(rotation, rotation.error!)
            return nil
        case .generating, .uncertain:
            return try await settleLostGenerate(&rotation, token: token, sinks: sinks, worker: worker)
        case .minted, .delivered, .verified:
            let newValue = try? TokenRotation.currentValue(in: sinks, fingerprint: rotation.newFingerprint)
            let heldNew = newValue.flatMap { $0.fingerprint == rotation.newFingerprint ? $0 : nil }
            let oldValue = try? TokenRotation.currentValue(in: sinks, fingerprint: token.fingerprint)
            let acting: JenkinsCredential
            do {
                acting = try TokenRotation.actingCredential(
                    session: session, user: token.user, ownValue: oldValue ?? heldNew, sinks: sinks)
            } catch {
                return keepUncertain(&rotation, "cannot resume: \(error)")
            }
            guard let heldNew, let newUUID = rotation.newUUID, let newName = rotation.newName else {
                if rotation.step == .verified, config.mode == .admin, rotation.newUUID != nil {
                    // Verified already: only the old token remains, and admin mode needs no new value for that.
                    return try await worker.retireOld(&rotation, revokeAs: acting, oldValue: nil)
                }
                return try await revokeUndelivered(&rotation, token: token, revokeAs: acting)
            }
            let minted = MintedToken(name: newName, uuid: newUUID, value: heldNew)
            let delivery = TokenDelivery(
                controller: token.controller, controllerURL: config.url, user: token.user, name: newName,
                uuid: newUUID, oldUUID: rotation.oldUUID, created: rotation.started, value: heldNew)
            switch rotation.step {
            case .minted:
                return try await worker.deliverAndFinish(
                    &rotation, minted: minted, delivery: delivery, sinks: sinks, actingCredential: acting,
                    oldValue: nil)
            case .delivered:
                return try await worker.verifyAndFinish(
                    &rotation, minted: minted, written: [], actingCredential: acting, oldValue: nil)
            default:
                let newCredential = JenkinsCredential(user: token.user, secret: heldNew, kind: .apiToken)
                return try await worker.retireOld(
                    &rotation, revokeAs: config.mode == .self ? newCredential : acting, oldValue: nil)
            }
        case .done, .failed, .rolledBack:
            return nil
        }
    }

    private var config: ControllerConfig { session.config }

    /// A minted token whose value is nowhere at hand can never be delivered: revoke it.
    private func revokeUndelivered(
        _ rotation: inout JournalEntry, token: InventoryToken, revokeAs credential: JenkinsCredential
    ) async throws -> RotationResult? {
        guard let newUUID = rotation.newUUID else { return nil }
        do {
            try await session.api.revokeToken(user: token.user, uuid: newUUID, as: credential)
        } catch {
            rotation.outcome = .failed
            rotation.error =
                "the undelivered new token \(newUUID) could not be revoked (\(error)); the next run tries again"
            try await context.record(rotation, rotation.error!)
            await session.countFailure(error)
            return TokenRotation(context: context, session: session, token: token, settings: .init()).result(rotation)
        }
        rotation.step = .rolledBack
        rotation.outcome = .failed
        rotation.finished = context.now()
        rotation.error =
            "interrupted before the new token reached its sinks; the new token was revoked and the old one stays"
        try await context.record(rotation, rotation.error!)
        return nil
    }

    /// SPEC §7 "Lost generate responses".
    private func settleLostGenerate(
        _ rotation: inout JournalEntry, token: InventoryToken, sinks: [any SecretSink], worker: TokenRotation
    ) async throws -> RotationResult? {
        let name = rotation.newName ?? rotation.name
        let acting: JenkinsCredential
        do {
            let ownValue = try? TokenRotation.currentValue(in: sinks, fingerprint: token.fingerprint)
            acting = try TokenRotation.actingCredential(
                session: session, user: token.user, ownValue: ownValue, sinks: sinks)
        } catch {
            return keepUncertain(&rotation, uncertainMessage(name: name, user: token.user, cause: "\(error)"))
        }
        let listed: [ListedToken]
        do {
            listed = try await session.api.listTokens(user: token.user, as: acting)
        } catch {
            await session.countFailure(error)
            return try await recordUncertain(
                &rotation, name: name, user: token.user, cause: "its security page could not be read: \(error)",
                worker: worker)
        }
        var revoked: [String] = []
        for candidate in listed where candidate.name == name {
            guard try !context.inventory.isKnownToken(uuid: candidate.uuid) else { continue }
            do {
                try await session.api.revokeToken(user: token.user, uuid: candidate.uuid, as: acting)
                revoked.append(candidate.uuid)
            } catch {
                return try await recordUncertain(
                    &rotation, name: name, user: token.user,
                    cause: "revoking orphan \(candidate.uuid) failed: \(error)", worker: worker)
            }
        }
        rotation.step = revoked.isEmpty ? .failed : .rolledBack
        rotation.outcome = .failed
        rotation.finished = context.now()
        rotation.error =
            revoked.isEmpty
            ? "the generate response was lost; no token named \(name) unknown to the inventory exists, so none was minted"
            : "the generate response was lost; revoked the orphan token(s) \(revoked.joined(separator: ", ")) named \(name)"
        try await context.record(rotation, rotation.error!)
        context.logger.notice("settled a lost generate response", metadata: context.metadata(rotation))
        return nil
    }

    /// The lost generate stays unsettled: recorded as `uncertain`, with what a person should do.
    private func recordUncertain(
        _ rotation: inout JournalEntry, name: String, user: String, cause: String, worker: TokenRotation
    ) async throws -> RotationResult {
        rotation.step = .uncertain
        rotation.outcome = .uncertain
        rotation.error = uncertainMessage(name: name, user: user, cause: cause)
        try await context.record(rotation, rotation.error!)
        return worker.result(rotation)
    }

    private func uncertainMessage(name: String, user: String, cause: String) -> String {
        "the generate response was lost and \(cause); revoke any token named \(name) of user \(user) on "
            + "\(config.url) that the inventory does not know, then run again"
    }

    private func keepUncertain(_ rotation: inout JournalEntry, _ message: String) -> RotationResult {
        rotation.error = message
        return RotationResult(
            controller: rotation.controller, user: rotation.user, name: rotation.name, oldUUID: rotation.oldUUID,
            newUUID: rotation.newUUID,
            outcome: rotation.step == .uncertain || rotation.step == .generating
                ? .uncertain : .inProgress, error: message)
    }
}
