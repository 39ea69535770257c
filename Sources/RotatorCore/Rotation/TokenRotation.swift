import Foundation
import Logging

/// One token's rotation, step by step (SPEC §4):
/// `planned → generating → minted → delivered → verified → done`, or `failed` / `rolled_back`.
/// Each step is committed to the inventory before the side effect that follows it, so that a crash at
/// any instant leaves a journal row that ``RotationResume`` can finish or undo.
struct TokenRotation {
    let context: RotationContext
    let session: ControllerConnection
    /// The token being replaced; for `issue`, a template whose empty uuid means "no old token".
    let token: InventoryToken
    let settings: TokenSettings
    /// `issue --stdout`: receives the new value once the rotation is recorded as done.
    var reveal: (@Sendable (Secret) -> Void)? = nil

    private var replacesToken: Bool { !token.uuid.isEmpty }

    private var config: ControllerConfig { session.config }
    private var api: any JenkinsTokenAPI { session.api }
    private var logger: Logger { context.logger }

    /// Runs the whole rotation. Inventory failures are thrown (they end the run); everything else is an outcome.
    func run() async throws -> RotationResult {
        let started = context.now()
        var rotation = JournalEntry(
            runID: context.runID, controller: token.controller, user: token.user, name: token.name,
            oldUUID: replacesToken ? token.uuid : nil, step: .planned, started: started)
        // The journal row's id is a placeholder ({rotation}); only when a template uses it must the row exist
        // before the names are rendered. Otherwise the row is born at `generating`: one commit fewer.
        if Self.mentionsRotationID(settings) {
            let planned = rotation
            let event = context.event(for: rotation, "planned: \(token.controller)/\(token.user)/\(token.name)")
            rotation.id = try await context.write { try $0.insertRotation(planned, events: [event]) }
        }
        let values = PlaceholderValues(
            name: token.name, user: token.user, controller: token.controller, rotationInstant: started,
            rotation: rotation.id.map(String.init) ?? "")

        let sinks: [any SecretSink]
        let newName: String
        let credential: JenkinsCredential
        let oldValue: Secret?
        let expirationDays: Int?
        do {
            newName = try TokenNameTemplate.render(settings.tokenName, values: values)
            sinks = try context.sinks.makeSinks(settings.deliver, values: values)
            guard !sinks.isEmpty else { throw RotationSetupError.noSinks }
            oldValue = try Self.currentValue(in: sinks, fingerprint: token.fingerprint)
            credential = try Self.actingCredential(session: session, user: token.user, ownValue: oldValue, sinks: sinks)
            expirationDays = try await Self.expirationDays(
                settings: settings, grace: grace, session: session, credential: credential)
        } catch {
            if rotation.id == nil {
                let planned = rotation
                rotation.id = try await context.write { try $0.insertRotation(planned, events: []) }
            }
            return try await fail(&rotation, "could not start: \(error)", error: error)
        }

        rotation.newName = newName
        rotation.step = .generating
        if rotation.id == nil {
            let generating = rotation
            let event = context.event(for: rotation, "generating a new token named \(newName)")
            rotation.id = try await context.write { try $0.insertRotation(generating, events: [event]) }
        } else {
            try await context.record(rotation, "generating a new token named \(newName)")
        }
        let minted: MintedToken
        do {
            minted = try await api.generateToken(
                forUser: token.user, name: newName, expirationDays: expirationDays, as: credential)
        } catch let failure as any JenkinsFailure where failure.responseMayBeLost {
            rotation.step = .uncertain
            rotation.outcome = .uncertain
            rotation.error =
                "the generate response was lost (\(failure)); a token named \(newName) may exist for user "
                + "\(token.user); the next run checks the user's security page and revokes it"
            try await context.record(rotation, rotation.error!)
            await session.countFailure(failure)
            logger.error("generate response lost", metadata: context.metadata(rotation))
            return result(rotation)
        } catch {
            return try await fail(&rotation, "Jenkins refused to mint a new token: \(error)", error: error)
        }

        rotation.step = .minted
        rotation.newUUID = minted.uuid
        rotation.newFingerprint = minted.value.fingerprint
        try await context.record(rotation, "minted \(minted.uuid) (fingerprint \(minted.value.fingerprint))")
        let delivery = TokenDelivery(
            controller: token.controller, controllerURL: config.url, user: token.user, name: newName,
            uuid: minted.uuid, oldUUID: rotation.oldUUID, created: started, value: minted.value)
        return try await deliverAndFinish(
            &rotation, minted: minted, delivery: delivery, sinks: sinks, actingCredential: credential,
            oldValue: oldValue)
    }

    /// From `minted` on: deliver to every sink, verify, then revoke or retire the old token.
    func deliverAndFinish(
        _ rotation: inout JournalEntry, minted: MintedToken, delivery: TokenDelivery, sinks: [any SecretSink],
        actingCredential: JenkinsCredential, oldValue: Secret?
    ) async throws -> RotationResult {
        var written: [(any SecretSink, SinkSnapshot?)] = []
        for sink in sinks {
            let snapshot = try? sink.snapshot()
            do {
                try await sink.deliver(delivery)
                written.append((sink, snapshot))
            } catch {
                written.append((sink, snapshot))
                return try await rollBack(
                    &rotation, minted: minted, written: written, revokeAs: actingCredential,
                    reason: "delivery to \(sink) failed: \(error)", cause: error)
            }
        }
        rotation.step = .delivered
        try await context.record(rotation, "delivered to \(sinks.count) sink(s)")
        return try await verifyAndFinish(
            &rotation, minted: minted, written: written, actingCredential: actingCredential, oldValue: oldValue)
    }

    /// From `delivered` on.
    func verifyAndFinish(
        _ rotation: inout JournalEntry, minted: MintedToken, written: [(any SecretSink, SinkSnapshot?)],
        actingCredential: JenkinsCredential, oldValue: Secret?
    ) async throws -> RotationResult {
        let newCredential = JenkinsCredential(user: token.user, secret: minted.value, kind: .apiToken)
        if settings.verify {
            do {
                let name = try await api.whoAmI(newCredential)
                guard name.lowercased() == token.user.lowercased() else {
                    return try await rollBack(
                        &rotation, minted: minted, written: written, revokeAs: actingCredential,
                        reason: "verification failed: the new token authenticates as \(name), not \(token.user)",
                        cause: nil)
                }
            } catch let failure as any JenkinsFailure where failure.isUnauthorized {
                return try await rollBack(
                    &rotation, minted: minted, written: written, revokeAs: actingCredential,
                    reason: "verification failed: the new token does not authenticate (\(failure))", cause: failure)
            } catch {
                rotation.outcome = .inProgress
                rotation.error = "could not verify the new token (\(error)); the next run verifies it"
                try await context.record(rotation, rotation.error!)
                await session.countFailure(error)
                return result(rotation)
            }
        }
        rotation.step = .verified
        try await context.record(
            rotation, settings.verify ? "verified as \(token.user)" : "verify: false, not verified")
        let result = try await retireOld(
            &rotation, revokeAs: config.mode == .self ? newCredential : actingCredential, oldValue: oldValue)
        if rotation.step == .done { reveal?(minted.value) }
        return result
    }

    /// The last step: the old token becomes retiring (grace period) or is revoked now, and the successor
    /// (recorded in the journal row since `minted`) joins the inventory, in one transaction.
    func retireOld(
        _ rotation: inout JournalEntry, revokeAs credential: JenkinsCredential, oldValue: Secret?
    ) async throws -> RotationResult {
        let now = context.now()
        let record = InventoryToken(
            controller: token.controller, user: token.user, name: rotation.newName ?? token.name,
            uuid: rotation.newUUID ?? "", created: rotation.started, state: .active,
            fingerprint: rotation.newFingerprint, lastRotated: replacesToken ? now : nil)
        guard replacesToken else {
            rotation.step = .done
            rotation.outcome = .rotated
            rotation.finished = now
            let event = context.event(for: rotation, "issued", uuid: record.uuid)
            try await context.write { try $0.add(record, addedAt: now, events: [event]) }
            try await context.record(rotation, "issued \(record.uuid)")
            logger.info("issued", metadata: context.metadata(rotation))
            return result(rotation)
        }
        if grace > .zero {
            let deadline = now + grace
            try await complete(
                &rotation, successor: record, oldState: .retiring(revokeAfter: deadline),
                message: "rotated; old token retiring until \(Timestamp.format(deadline))")
            return result(rotation)
        }
        var problem: String?
        do {
            try await api.revokeToken(user: token.user, uuid: token.uuid, as: credential)
            if let oldValue {
                problem = try await Self.confirmDead(
                    api: api, credential: JenkinsCredential(user: token.user, secret: oldValue, kind: .apiToken))
            }
        } catch {
            problem = "revoking the old token failed (\(error))"
        }
        if let problem {
            rotation.error = "\(problem); it stays retiring and the next run revokes it"
            try await complete(
                &rotation, successor: record, oldState: .retiring(revokeAfter: now), message: rotation.error!)
            logger.error("old token not revoked", metadata: context.metadata(rotation))
            return result(rotation)
        }
        try await complete(
            &rotation, successor: record, oldState: .revoked(at: now), message: "rotated; old token revoked")
        return result(rotation)
    }

    private func complete(
        _ rotation: inout JournalEntry, successor: InventoryToken, oldState: RetiredTokenState, message: String
    ) async throws {
        let now = context.now()
        rotation.step = .done
        rotation.outcome = .rotated
        rotation.finished = now
        let (oldUUID, rotationID) = (token.uuid, rotation.id)
        let event = context.event(for: rotation, message)
        try await context.write {
            try $0.recordRotated(
                oldUUID: oldUUID, successor: successor, oldState: oldState, rotatedAt: now, completing: rotationID,
                events: [event])
        }
        if rotation.error != nil { try await context.record(rotation, rotation.error!) }
        logger.info("rotated", metadata: context.metadata(rotation))
    }

    /// Undo a minted token: put back what the sinks held, revoke the new token and confirm it is dead.
    /// The old token was never touched, so it stays in service.
    func rollBack(
        _ rotation: inout JournalEntry, minted: MintedToken, written: [(any SecretSink, SinkSnapshot?)],
        revokeAs credential: JenkinsCredential, reason: String, cause: (any Error)?
    ) async throws -> RotationResult {
        var notes = [reason]
        for (sink, snapshot) in written.reversed() {
            guard let snapshot else { continue }
            do {
                try await sink.restore(snapshot)
            } catch {
                notes.append("could not restore \(sink): \(error)")
            }
        }
        await session.countFailure(cause)
        rotation.outcome = .failed
        do {
            try await api.revokeToken(user: token.user, uuid: minted.uuid, as: credential)
            let newCredential = JenkinsCredential(user: token.user, secret: minted.value, kind: .apiToken)
            if let problem = try await Self.confirmDead(api: api, credential: newCredential) {
                notes.append(problem)
            }
            rotation.step = .rolledBack
            rotation.finished = context.now()
            notes.append("the new token was revoked; the old one stays in service")
        } catch {
            notes.append("the new token \(minted.uuid) could not be revoked (\(error)); the next run revokes it")
        }
        rotation.error = notes.joined(separator: "; ")
        try await context.record(rotation, rotation.error!)
        logger.error("rotation failed", metadata: context.metadata(rotation))
        return result(rotation)
    }

    /// Nothing was minted: the rotation ends as `failed`.
    private func fail(
        _ rotation: inout JournalEntry, _ message: String, error: any Error
    ) async throws -> RotationResult {
        await session.countFailure(error)
        rotation.step = .failed
        rotation.outcome = .failed
        rotation.error = message
        rotation.finished = context.now()
        try await context.record(rotation, message)
        logger.error("rotation failed: \(message)", metadata: context.metadata(rotation))
        return result(rotation)
    }

    func result(_ rotation: JournalEntry) -> RotationResult {
        RotationResult(
            controller: rotation.controller, user: rotation.user, name: rotation.name, oldUUID: rotation.oldUUID,
            newUUID: rotation.newUUID, outcome: rotation.outcome ?? HistoryRow.outcome(of: rotation.step),
            error: rotation.error)
    }

    private var grace: TimeSpan { context.graceOverride ?? settings.grace }

    // MARK: - Shared with resume, issue and revoke

    /// Whether `token_name` or a sink's path or argv uses the `{rotation}` placeholder (the journal row id).
    static func mentionsRotationID(_ settings: TokenSettings) -> Bool {
        let placeholder = "{\(Placeholder.rotation.rawValue)}"
        return settings.tokenName.contains(placeholder)
            || settings.deliver.contains { sink in
                switch sink {
                case .file(let path, _): path.contains(placeholder)
                case .command(let argv, _): argv.contains { $0.contains(placeholder) }
                case .jenkinsCredential(let config): config.id.contains(placeholder)
                }
            }
    }

    /// The value a file sink holds now: the one whose fingerprint matches when the inventory knows it,
    /// else the first file sink's.
    static func currentValue(in sinks: [any SecretSink], fingerprint: String?) throws -> Secret? {
        var first: Secret?
        for sink in sinks {
            guard let value = try sink.heldValue() else { continue }
            if let fingerprint {
                if value.fingerprint == fingerprint { return value }
            } else if first == nil {
                first = value
            }
        }
        return first
    }

    /// Who acts on Jenkins: the policy's admin identity, or in self mode the token itself.
    static func actingCredential(
        session: ControllerConnection, user: String, ownValue: Secret?, sinks: [any SecretSink]
    ) throws -> JenkinsCredential {
        switch session.config.mode {
        case .admin:
            guard let credential = session.adminCredential else {
                throw RotationSetupError.noAdminCredential(controller: session.config.id)
            }
            return credential
        case .self:
            guard let ownValue else {
                throw RotationSetupError.noCurrentValue(sinks: sinks.filter { $0.holdsValues }.map(\.description))
            }
            return JenkinsCredential(user: user, secret: ownValue, kind: .apiToken)
        }
    }

    /// `expirationDuration` in days for `jenkins_expiry` (SPEC §7: ceil((max_age + grace) / 1 day)), or nil.
    static func expirationDays(
        settings: TokenSettings, grace: TimeSpan, session: ControllerConnection, credential: JenkinsCredential?
    ) async throws -> Int? {
        if settings.jenkinsExpiry == .off { return nil }
        let version = try await session.version(as: credential)
        let supported = version?.supportsTokenExpiry ?? false
        if !supported {
            if settings.jenkinsExpiry == .on {
                throw RotationSetupError.expiryUnsupported(controller: session.config.id, version: version)
            }
            return nil
        }
        let seconds = (settings.maxAge + grace).seconds
        return Int((seconds + 86_399) / 86_400)
    }

    /// After a revoke: the token must now get 401. Returns a problem to report, or nil when confirmed
    /// (or when Jenkins could not be asked: the revoke itself answered 200).
    static func confirmDead(api: any JenkinsTokenAPI, credential: JenkinsCredential) async throws -> String? {
        do {
            _ = try await api.whoAmI(credential)
            return "Jenkins answered the revoke, but the token still authenticates"
        } catch let failure as any JenkinsFailure where failure.isUnauthorized {
            return nil
        } catch {
            return nil
        }
    }
}
