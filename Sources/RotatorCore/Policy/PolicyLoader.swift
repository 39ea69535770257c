import Foundation
import Yams

/// Loads and validates the rotation policy YAML (SPEC §3) into a ``RotationPolicy``.
///
/// Everything is checked at load time (types, unknown keys, durations, controllers named by rules,
/// rules that could never be due, self-mode file sinks, inline secrets) and the first problem is
/// thrown as a ``PolicyError`` naming the file, the line and the key path. Loading never resolves
/// a secret: see ``SecretResolver``.
public enum PolicyLoader {
    /// The only `version:` this build reads.
    public static let supportedVersion = 1
    static let topLevelKeys = ["version", "controllers", "defaults", "rules", "limits", "notify"]
    static let limitKeys = ["max_rotations", "max_consecutive_failures", "max_requests_in_flight", "claim_lease"]
    static let defaultMaxConsecutiveFailures = 3

    /// The largest policy file read (SPEC §8.12 hardening): real ones are a few KiB.
    public static let maxFileSize = 1 << 20

    /// Reads and validates the policy at `path`. A missing or unreadable file is a ``PolicyError`` too.
    public static func load(path: String) throws -> RotationPolicy {
        func fileError(_ problem: String, _ fix: String) -> PolicyError {
            PolicyError(file: path, line: nil, keyPath: "", problem: problem, fix: fix)
        }
        let data: [UInt8]
        do {
            data = try BoundedFile.read(path, limit: maxFileSize)
        } catch .missing {
            throw fileError(
                "no policy file here",
                "create one (see docs/policy.md), or point --policy or TOKEN_ROTATOR_POLICY at it")
        } catch .notRegular(let kind) where kind == "a folder" {
            throw fileError("is a folder, not a policy file", "point --policy at the YAML file inside it")
        } catch .notRegular(let kind) {
            throw fileError("is \(kind), not a regular file", "point --policy at a YAML file")
        } catch .tooLarge {
            throw fileError(
                "is larger than 1 MiB", "a policy is a few KiB: check that --policy names the right file")
        } catch {
            throw fileError("cannot be read (\(error))", "check that the user running token-rotator may read it")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw fileError("is not UTF-8 text", "save the policy as UTF-8")
        }
        return try parse(text, source: path)
    }

    /// Validates policy text; `source` names it in errors (usually the file path).
    public static func parse(_ yaml: String, source: String) throws -> RotationPolicy {
        let root = PolicyNode(node: try PolicyYAML.compose(yaml, source: source), path: "", source: source)
        guard case .mapping = root.node else {
            throw root.error("the policy must be a mapping of keys", fix: "start the file with version: 1")
        }
        try checkVersion(root)
        let map = try root.mapping(allowedKeys: topLevelKeys)
        let controllers = try PolicyControllerReader.controllers(from: map["controllers"], in: root)
        let defaultsMap = try defaultsMap(map["defaults"])
        let defaults =
            try defaultsMap.map { try PolicySettingsReader.overrides(from: $0) }?.applied(
                to: TokenSettings()) ?? TokenSettings()
        let rules = try PolicyRuleReader.rules(from: map["rules"])
        let limits = try limits(from: map["limits"])
        let notify = try map["notify"].flatMap { $0.isNull ? nil : try PolicyNotifyReader.notify(from: $0) }

        try PolicyChecks(
            root: root, controllers: controllers, defaults: defaults, defaultsMap: defaultsMap, rules: rules
        ).run()

        return RotationPolicy(
            version: supportedVersion, controllers: controllers.map(\.config), defaults: defaults,
            rules: rules.map(\.rule), limits: limits, notify: notify, source: source)
    }

    private static func checkVersion(_ root: PolicyNode) throws {
        let entries = try root.mappingEntries()
        guard let versionNode = entries.first(where: { $0.key == "version" })?.value else {
            throw root.error("missing required key version", fix: "add version: 1 at the top of the file")
        }
        let version = try versionNode.integer(minimum: 1)
        guard version == supportedVersion else {
            throw versionNode.error(
                "unsupported policy version \(version)", fix: "this token-rotator reads version \(supportedVersion)")
        }
    }

    private static func defaultsMap(_ node: PolicyNode?) throws -> PolicyMap? {
        guard let node, !node.isNull else { return nil }
        return try node.mapping(allowedKeys: PolicySettingsReader.keys)
    }

    private static func limits(from node: PolicyNode?) throws -> RotationLimits {
        guard let node, !node.isNull else {
            return RotationLimits(maxRotations: nil, maxConsecutiveFailures: defaultMaxConsecutiveFailures)
        }
        let map = try node.mapping(allowedKeys: limitKeys)
        return RotationLimits(
            maxRotations: try map["max_rotations"]?.integer(minimum: 1),
            maxConsecutiveFailures: try map["max_consecutive_failures"]?.integer(minimum: 1)
                ?? defaultMaxConsecutiveFailures,
            maxRequestsInFlight: try map["max_requests_in_flight"]?.integer(minimum: 1)
                ?? RotationLimits.defaultMaxRequestsInFlight,
            claimLease: try map["claim_lease"]?.duration(minimum: RotationLimits.minimumClaimLease)
                ?? RotationLimits.defaultClaimLease)
    }
}
