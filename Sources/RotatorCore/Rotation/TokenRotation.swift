import Foundation
import Logging

/// One token's rotation, step by step (SPEC §4):
/// `planned → generating → minted → delivered → verified → done`, or `failed` / `uncertain` / `rolled_back`.
///
/// The journal row moves through ``JournalEntry``'s transitions. Only what recovery needs is committed before the
/// next side effect (docs/operations.md argues each): `generating` before the generate request, `minted` before the
/// first delivery, and `done` with the inventory change in one transaction. `delivered` and `verified` are not
/// committed: a run that finds a row at `minted` cannot tell them apart from a crash mid-delivery, and resolves
/// both the same safe way (``RotationResume``).
struct TokenRotation {
    let context: RotationContext
    let connection: ControllerConnection
    /// The token being replaced; for `issue`, a template whose empty uuid means "no old token".
    let token: InventoryToken
    let settings: TokenSettings
    /// `issue --stdout`: receives the new value once the rotation is recorded as done.
    var reveal: (@Sendable (Secret) -> Void)? = nil

    private var replacesToken: Bool { !token.uuid.isEmpty }
    private var config: ControllerConfig { connection.config }
    private var api: any JenkinsTokenAPI { connection.api }
    private var logger: Logger { context.logger }
    private var grace: TimeSpan { context.graceOverride ?? settings.grace }

    /// Runs the whole rotation. Inventory failures are thrown; everything else is an outcome.
    func run() async throws -> RotationResult {
        let started = context.now()
        var entry = JournalEntry(
            runID: context.runID, controller: token.controller, user: token.user, name: token.name,
            oldUUID: replacesToken ? token.uuid : nil, step: .planned, started: started)
        // The row's id is a placeholder ({rotation}); only when a template uses it must the row exist before the
        // names are rendered. Otherwise the row is born at `generating`: one commit fewer.
        if Self.mentionsRotationID(settings) {
            let event = context.event(for: entry, "planned: \(token.controller)/\(token.user)/\(token.name)")
            entry.id = try await context.journal.insert(entry, events: [event])
        }
        let values = PlaceholderValues(
            name: token.name, user: token.user, controller: token.controller, rotationInstant: started,
            rotation: entry.id.map(String.init) ?? "")

        let sinks: [any SecretSink]
        let snapshots: [SinkSnapshot?]
        let newName: String
        let credential: JenkinsCredential
        let oldValue: Secret?
        let expirationDays: Int?
        do {
            newName = try TokenNameTemplate.render(settings.tokenName, values: values)
            sinks = try context.sinks.makeSinks(settings.deliver, values: values)
            guard !sinks.isEmpty else { throw RotationSetupError.noSinks }
            // One read per file sink: the value it holds now, and what a rollback puts back.
            var read: [SinkSnapshot?] = []
            for sink in sinks { read.append(sink.rollback == .restoresSnapshot ? try await sink.snapshot() : nil) }
            snapshots = read
            oldValue = Self.currentValue(in: snapshots.map { $0?.heldValue }, fingerprint: token.fingerprint)
            credential = try Self.actingCredential(connection, user: token.user, ownValue: oldValue, sinks: sinks)
            expirationDays = try await Self.expirationDays(
                settings: settings, grace: grace, connection: connection, credential: credential)
        } catch {
            try entry.fail("could not start: \(error)", at: context.now())
            return try await end(entry, error: error)
        }

        try entry.beginGenerating(name: newName)
        let generating = context.event(for: entry, "generating a new token named \(newName)")
        if entry.id == nil {
            entry.id = try await context.journal.insert(entry, events: [generating])
        } else {
            try await context.journal.save(entry, at: context.now(), events: [generating])
        }
        let minted: MintedToken
        do {
            minted = try await api.generateToken(
                forUser: token.user, name: newName, expirationDays: expirationDays, as: credential)
        } catch let failure as any JenkinsFailure where failure.responseMayBeLost {
            try entry.uncertain(
                "the generate response was lost (\(failure)); a token named \(newName) may exist for user "
                    + "\(token.user); the next run checks the user's security page and revokes it")
            return try await end(entry, error: failure)
        } catch {
            try entry.fail("Jenkins refused to mint a new token: \(error)", at: context.now())
            return try await end(entry, error: error)
        }

        try entry.minted(uuid: minted.uuid, fingerprint: minted.value.fingerprint)
        try await context.save(entry, "minted \(minted.uuid) (fingerprint \(minted.value.fingerprint))")
        return try await deliverAndFinish(
            &entry, newValue: minted.value, sinks: sinks, snapshots: snapshots, actingCredential: credential,
            oldValue: oldValue)
    }

    /// From `minted` on (a new rotation, or a resumed one whose new value a file sink holds): deliver to every
    /// sink, verify, then retire the old token; on failure, undo the sinks and revoke the new token.
    func deliverAndFinish(
        _ entry: inout JournalEntry, newValue: Secret, sinks: [any SecretSink], snapshots: [SinkSnapshot?]? = nil,
        actingCredential: JenkinsCredential, oldValue: Secret?
    ) async throws -> RotationResult {
        let newDelivery = delivery(of: newValue, entry: entry)
        var delivery: SinkDelivery
        do {
            delivery = try await SinkDelivery(
                sinks: sinks, snapshots: snapshots, newFingerprint: newValue.fingerprint,
                old: oldValue.map(oldDeliveryFor))
        } catch {
            // A sink that cannot be read may hold the new value already (a resumed rotation): never revoke on that.
            let reason = "could not read a sink before delivery: \(error)"
            if snapshots == nil { return try await keepForward(&entry, reason: reason, cause: error) }
            return try await rollBack(
                &entry, newValue: newValue, delivery: nil, revokeAs: actingCredential, reason: reason, cause: error)
        }
        if let failure = await delivery.deliver(newDelivery) {
            let reason = "delivery to \(failure.sink) failed: \(failure.error)"
            if !delivery.canUndo { return try await keepForward(&entry, reason: reason, cause: failure.error) }
            return try await rollBack(
                &entry, newValue: newValue, delivery: delivery, revokeAs: actingCredential, reason: reason,
                cause: failure.error)
        }
        if entry.step == .minted { try entry.delivered() }
        let newCredential = JenkinsCredential(user: token.user, secret: newValue, kind: .apiToken)
        if settings.verify {
            do {
                let name = try await api.whoAmI(newCredential)
                guard name.lowercased() == token.user.lowercased() else {
                    return try await rollBack(
                        &entry, newValue: newValue, delivery: delivery, revokeAs: actingCredential,
                        reason: "verification failed: the new token authenticates as \(name), not \(token.user)",
                        cause: nil)
                }
            } catch let failure as any JenkinsFailure where failure.isUnauthorized && !delivery.canUndo {
                return try await keepForward(
                    &entry, reason: "verification failed: the new token does not authenticate (\(failure))",
                    cause: failure)
            } catch let failure as any JenkinsFailure where failure.isUnauthorized {
                return try await rollBack(
                    &entry, newValue: newValue, delivery: delivery, revokeAs: actingCredential,
                    reason: "verification failed: the new token does not authenticate (\(failure))", cause: failure)
            } catch {
                // Every sink holds the new value, which may well work: keep it, and let the next run verify it.
                entry.park("could not verify the new token (\(error)); the next run verifies it")
                return try await end(entry, error: error)
            }
        }
        try entry.verified()
        let result = try await retireOld(
            &entry, revokeAs: config.mode == .self ? newCredential : actingCredential, oldValue: oldValue)
        if entry.step == .done { reveal?(newValue) }
        return result
    }

    /// The last step, from `verified`: the old token becomes retiring (grace period) or is revoked now, and the
    /// successor (recorded in the row since `minted`) joins the inventory, in one transaction.
    func retireOld(
        _ entry: inout JournalEntry, revokeAs credential: JenkinsCredential, oldValue: Secret?
    ) async throws -> RotationResult {
        let now = context.now()
        let successor = InventoryToken(
            controller: token.controller, user: token.user, name: entry.newName ?? token.name,
            uuid: entry.newUUID ?? "", created: entry.started, state: .active, fingerprint: entry.newFingerprint,
            lastRotated: replacesToken ? now : nil)
        guard replacesToken else {
            try entry.done(at: now)
            let event = context.event(for: entry, "issued \(successor.uuid)", uuid: successor.uuid)
            try await context.journal.recordIssued(successor, completing: entry, at: now, events: [event])
            logger.info("issued", metadata: context.metadata(entry))
            return entry.result
        }
        let oldState: RetiredTokenState
        var problem: String?
        if grace > .zero {
            oldState = .retiring(revokeAfter: now + grace)
        } else {
            problem = await revokeAndConfirm(uuid: token.uuid, value: oldValue, as: credential)
            oldState = problem == nil ? .revoked(at: now) : .retiring(revokeAfter: now)
        }
        let note = problem.map { "\($0); it stays retiring and the next run revokes it" }
        try entry.done(at: now, note: note)
        let message =
            switch oldState {
            case .retiring(let deadline): note ?? "rotated; old token retiring until \(Timestamp.format(deadline))"
            case .revoked: "rotated; old token revoked"
            }
        try await context.journal.recordRotated(
            oldUUID: token.uuid, successor: successor, oldState: oldState, completing: entry, at: now,
            events: [context.event(for: entry, message)])
        if problem != nil {
            logger.error("old token not revoked", metadata: context.metadata(entry))
        } else {
            logger.info("rotated", metadata: context.metadata(entry))
        }
        return entry.result
    }

    /// Undoes a minted token: the rollback is recorded first (a crash then never goes forward), every sink that
    /// took the new value gets back what it held, then the new token is revoked and confirmed dead. The old token
    /// was never touched, so it stays in service.
    func rollBack(
        _ entry: inout JournalEntry, newValue: Secret, delivery: SinkDelivery?, revokeAs credential: JenkinsCredential,
        reason: String, cause: (any Error)?
    ) async throws -> RotationResult {
        try entry.beginRollback(reason)
        try await context.save(entry, "rolling back: \(reason)")
        let leftHolding = await delivery?.undo() ?? []
        await connection.countFailure(cause)
        return try await finishRollback(&entry, newValue: newValue, revokeAs: credential, notes: [reason] + leftHolding)
    }

    /// A resumed rotation whose new value sits in a sink with nothing to go back to met a failure: it is not undone.
    /// The row stays unfinished with both tokens valid (the new one where it was delivered, the old one where it was
    /// not), and later runs deliver again; the old token is revoked only once every sink holds a verified successor.
    private func keepForward(_ entry: inout JournalEntry, reason: String, cause: any Error) async throws
        -> RotationResult
    {
        entry.park(
            "\(reason); the new token \(entry.newUUID ?? "") stays in service in the sinks that hold it (what they "
                + "held before is gone) and the old token stays valid for the others; the next run delivers again, "
                + "and the old token is revoked only once every sink holds the new one")
        return try await end(entry, error: cause)
    }

    /// Revokes the new token of a rollback whose sinks were undone, and closes the row.
    func finishRollback(
        _ entry: inout JournalEntry, newValue: Secret?, revokeAs credential: JenkinsCredential, notes: [String]
    ) async throws -> RotationResult {
        guard let newUUID = entry.newUUID else { throw IllegalTransition(from: entry.step, to: .rolledBack) }
        if let problem = await revokeAndConfirm(uuid: newUUID, value: newValue, as: credential) {
            let message = (notes + ["the new token \(newUUID): \(problem); the next run revokes it"])
                .joined(separator: "; ")
            entry.error = message
            try await context.save(entry, message)
            logger.error("rollback unfinished", metadata: context.metadata(entry))
            return entry.result
        }
        let message = (notes + ["the new token was revoked; the old one stays in service"]).joined(separator: "; ")
        try entry.rolledBack(message, at: context.now())
        try await context.save(entry, message)
        logger.error("rotation failed", metadata: context.metadata(entry))
        return entry.result
    }

    /// Commits a row that ended (failed, uncertain or parked) and counts the failure against the controller.
    private func end(_ entry: JournalEntry, error: any Error) async throws -> RotationResult {
        var entry = entry
        if entry.id == nil {
            entry.id = try await context.journal.insert(entry, events: [context.event(for: entry, entry.error ?? "")])
        } else {
            try await context.save(entry, entry.error ?? "")
        }
        await connection.countFailure(error)
        logger.error(
            "rotation \(entry.reportedOutcome.rawValue): \(entry.error ?? "")", metadata: context.metadata(entry))
        return entry.result
    }

    /// Revokes a token and, where its value is at hand, confirms that it now gets 401. Returns a problem to report,
    /// or nil once revoked (and confirmed where possible).
    func revokeAndConfirm(uuid: String, value: Secret?, as credential: JenkinsCredential) async -> String? {
        do {
            try await api.revokeToken(user: token.user, uuid: uuid, as: credential)
        } catch {
            return "revoking it failed (\(error))"
        }
        guard let value else { return nil }
        return await Self.confirmDead(
            api: api, credential: JenkinsCredential(user: token.user, secret: value, kind: .apiToken))
    }

    private func delivery(of value: Secret, entry: JournalEntry) -> TokenDelivery {
        TokenDelivery(
            controller: token.controller, controllerURL: config.url, user: token.user,
            name: entry.newName ?? token.name, uuid: entry.newUUID ?? "", oldUUID: entry.oldUUID,
            created: entry.started, value: value)
    }

    /// The old token as a delivery, to put it back into a sink that took its successor.
    func oldDeliveryFor(_ value: Secret) -> TokenDelivery {
        TokenDelivery(
            controller: token.controller, controllerURL: config.url, user: token.user, name: token.name,
            uuid: token.uuid, oldUUID: nil, created: token.created, value: value)
    }
}
