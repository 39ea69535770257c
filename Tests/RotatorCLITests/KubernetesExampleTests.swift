import Foundation
import PostgresInventory
import RotatorCore
import Testing
import Yams

/// examples/kubernetes/cronjob.yaml as docs/deployment.md describes it: a CronJob that never overlaps itself, a
/// non-root container on a read-only root file system, every secret from the Secret, the DSN from the environment
/// (no password in it), and a policy in its ConfigMap that loads.
@Suite("examples/kubernetes/cronjob.yaml")
struct KubernetesExampleTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/kubernetes/cronjob.yaml").path

    /// Every document of the manifest by its kind.
    static func documents() throws -> [String: [String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var byKind: [String: [String: Any]] = [:]
        for document in try Yams.load_all(yaml: text) {
            let object = try #require(document as? [String: Any])
            byKind[try #require(object["kind"] as? String)] = object
        }
        return byKind
    }

    static func dig(_ object: Any?, _ keys: String...) -> Any? {
        keys.reduce(object) { ($0 as? [String: Any])?[$1] }
    }

    @Test("a CronJob that never overlaps itself and never retries at once")
    func schedule() throws {
        let cronJob = try #require(try Self.documents()["CronJob"])
        #expect(Self.dig(cronJob, "apiVersion") as? String == "batch/v1")
        #expect(Self.dig(cronJob, "spec", "concurrencyPolicy") as? String == "Forbid")
        #expect(Self.dig(cronJob, "spec", "jobTemplate", "spec", "backoffLimit") as? Int == 0)
        let pod = try #require(Self.dig(cronJob, "spec", "jobTemplate", "spec", "template", "spec") as? [String: Any])
        #expect(pod["restartPolicy"] as? String == "Never")
        #expect(pod["automountServiceAccountToken"] as? Bool == false)
    }

    @Test("a non-root container on a read-only root file system, without privileges")
    func container() throws {
        let cronJob = try #require(try Self.documents()["CronJob"])
        let pod = try #require(Self.dig(cronJob, "spec", "jobTemplate", "spec", "template", "spec") as? [String: Any])
        #expect(Self.dig(pod, "securityContext", "runAsNonRoot") as? Bool == true)
        #expect((Self.dig(pod, "securityContext", "runAsUser") as? Int ?? 0) > 0)
        let containers = try #require(pod["containers"] as? [[String: Any]])
        #expect(containers.count == 1)
        let security = try #require(containers[0]["securityContext"] as? [String: Any])
        #expect(security["readOnlyRootFilesystem"] as? Bool == true)
        #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        #expect(Self.dig(security, "capabilities", "drop") as? [String] == ["ALL"])
        let mounts = try #require(containers[0]["volumeMounts"] as? [[String: Any]])
        #expect(mounts.contains { $0["mountPath"] as? String == "/tmp" }, "a writable /tmp for temporary files")
    }

    @Test("secrets come from the Secret, the DSN from the environment without a password")
    func secretsAndDSN() throws {
        let documents = try Self.documents()
        let cronJob = try #require(documents["CronJob"])
        let secret = try #require(documents["Secret"])
        let pod = Self.dig(cronJob, "spec", "jobTemplate", "spec", "template", "spec")
        let container = try #require((Self.dig(pod, "containers") as? [[String: Any]])?.first)
        let arguments = try #require(container["args"] as? [String])
        #expect(arguments.first == "rotate")
        #expect(!arguments.contains("--db"), "the DSN comes from TOKEN_ROTATOR_DB")
        let env = try #require(container["env"] as? [[String: Any]])
        let variables = Dictionary(uniqueKeysWithValues: env.map { ($0["name"] as? String ?? "", $0) })

        let dsn = try #require(variables["TOKEN_ROTATOR_DB"]?["value"] as? String)
        let url = try PostgresConnectionURL(parsing: dsn, environment: [:])
        #expect(url.sslMode == .verifyFull)
        let secretKeys = Set((secret["stringData"] as? [String: Any] ?? [:]).keys)
        for name in ["PGPASSWORD", "JENKINS_ADMIN_TOKEN", "HOOK_TOKEN"] {
            let reference = Self.dig(variables[name], "valueFrom", "secretKeyRef") as? [String: Any]
            #expect(reference?["name"] as? String == Self.dig(secret, "metadata", "name") as? String, "\(name)")
            #expect(secretKeys.contains(reference?["key"] as? String ?? ""), "\(name)")
            #expect(variables[name]?["value"] == nil, "\(name) has no literal value")
        }
    }

    @Test("the ConfigMap's policy loads and names only variables the container sets")
    func policy() throws {
        let documents = try Self.documents()
        let configMap = try #require(documents["ConfigMap"])
        let text = try #require(Self.dig(configMap, "data", "rotation-policy.yml") as? String)
        let policy = try PolicyLoader.parse(text, source: "cronjob.yaml")
        #expect(policy.controllers.map(\.id) == ["ci-main"])
        let env = Self.dig(documents["CronJob"], "spec", "jobTemplate", "spec", "template", "spec", "containers")
        let names = Set(
            ((env as? [[String: Any]])?.first?["env"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        for variable in ["JENKINS_ADMIN_TOKEN", "HOOK_TOKEN"] {
            #expect(text.contains("token_env: \(variable)"))
            #expect(names.contains(variable))
        }
    }
}
