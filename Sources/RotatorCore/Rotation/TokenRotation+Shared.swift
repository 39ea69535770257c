import Foundation

/// What a rotation, its resume, `issue`, `revoke` and retirement share: placeholders, the value at hand, who acts on
/// Jenkins, native expiry, and the proof that a token is dead.
extension TokenRotation {
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
    static func currentValue(in sinks: [any SecretSink], fingerprint: String?) async throws -> Secret? {
        var held: [Secret?] = []
        for sink in sinks { held.append(try await sink.heldValue()) }
        return currentValue(in: held, fingerprint: fingerprint)
    }

    /// The same choice over values already read (one per sink, nil where a sink holds none).
    static func currentValue(in held: [Secret?], fingerprint: String?) -> Secret? {
        if let fingerprint { return held.lazy.compactMap { $0 }.first { $0.fingerprint == fingerprint } }
        return held.lazy.compactMap { $0 }.first
    }

    /// Who acts on Jenkins: the policy's admin identity, or in self mode the token itself.
    static func actingCredential(
        _ connection: ControllerConnection, user: String, ownValue: Secret?, sinks: [any SecretSink]
    ) throws -> JenkinsCredential {
        switch connection.config.mode {
        case .admin:
            guard let credential = connection.adminCredential else {
                throw RotationSetupError.noAdminCredential(controller: connection.config.id)
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
        settings: TokenSettings, grace: TimeSpan, connection: ControllerConnection, credential: JenkinsCredential?
    ) async throws -> Int? {
        if settings.jenkinsExpiry == .off { return nil }
        let version = try await connection.version(as: credential)
        let supported = version?.supportsTokenExpiry ?? false
        if !supported {
            if settings.jenkinsExpiry == .on {
                throw RotationSetupError.expiryUnsupported(controller: connection.config.id, version: version)
            }
            return nil
        }
        let seconds = (settings.maxAge + grace).seconds
        return Int((seconds + 86_399) / 86_400)
    }

    /// After a revoke: only a 401 proves the token dead. Returns a problem to report, or nil when confirmed.
    static func confirmDead(api: any JenkinsTokenAPI, credential: JenkinsCredential) async -> String? {
        do {
            _ = try await api.whoAmI(credential)
            return "Jenkins answered the revoke, but the token still authenticates"
        } catch let failure as any JenkinsFailure where failure.isUnauthorized {
            return nil
        } catch {
            return "Jenkins answered the revoke, but whether the token is dead could not be checked (\(error))"
        }
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
