import ArgumentParser
import AsyncHTTPClient
import Foundation
import InventoryStore
import Logging
import NIOCore
import RotatorCore

extension RotatorCommand {
    struct Demo: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Watch a real rotation: a Jenkins simulator, an aged inventory, audit → rotate → report.",
            discussion: """
                Starts jenkins-sim (the executable next to this one, or $TOKEN_ROTATOR_JENKINS_SIM) as a child \
                process on a free loopback port and stops it with SIGTERM at the end; writes a policy, an inventory of aged tokens and their \
                current values (file sinks) into a temporary folder, then runs the real audit, rotate and report \
                commands against it over HTTP. Touches nothing outside that folder, which is removed afterwards \
                unless --keep is given.
                """)

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Keep the demo folder (policy, inventory, token files) and print its path.")
        var keep = false

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("token-rotator-demo-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { if !keep { try? FileManager.default.removeItem(atPath: folder) } }

            let now = env.now()
            let scenario = DemoScenario(now: now)
            let usersFile = folder + "/jenkins-sim-users.yml"
            try scenario.usersYAML.write(toFile: usersFile, atomically: true, encoding: .utf8)
            let simulator = try await SimulatorProcess.start(
                executable: SimulatorProcess.executablePath(variables: env.variables),
                arguments: ["--port", "0", "--users", usersFile, "--admin-can-generate"],
                logPath: folder + "/jenkins-sim.log")
            defer { simulator.stop() }
            let paths = try scenario.write(into: folder, jenkinsURL: simulator.baseURL)

            // The steps run in this process with this environment: quiet text logs, and the demo's admin password.
            var demoEnv = env
            demoEnv.variables[DemoScenario.passwordVariable] = DemoScenario.adminPassword
            let stderr = env.stderr
            demoEnv.logger = Logger(label: "token-rotator") { label in
                StderrLogHandler(label: label, format: .text, level: .warning, output: stderr)
            }
            let common = ["--db", paths.database, "--policy", paths.policy]
            let out = env.stdout
            out.write(
                "token-rotator demo: jenkins-sim (process \(simulator.processID)) at \(simulator.baseURL.absoluteString)\n"
            )
            out.write("policy, inventory and token files in \(folder)\n")

            let steps: [(String, [String])] = [
                ("inventory list: the tokens we manage, before", ["inventory", "list"]),
                ("audit: what rotate will do (changes nothing)", ["audit"]),
                (
                    "rotate: crumb + session, mint, deliver to files, verify with whoAmI, revoke the old token",
                    ["rotate"]
                ),
                ("report: token age after the rotation", ["report"]),
                ("history: the rotation journal", ["history"]),
                (
                    "reconcile: alice's security page against the inventory; it finds the orphan planted there "
                        + "(a token named like hers that the inventory does not know, as a lost generate leaves)",
                    ["reconcile"]
                ),
            ]
            var statuses: [Int32] = []
            for (title, arguments) in steps {
                out.write("\n== token-rotator \(arguments.joined(separator: " ")) — \(title)\n")
                out.flush()
                let status = await TokenRotatorMain.execute(arguments + common, in: demoEnv)
                out.write("(exit \(status))\n")
                statuses.append(status)
            }
            out.write("\n== what Jenkins (the simulator) holds now\n")
            for (user, tokens) in try await Self.tokensHeld(by: simulator.baseURL) where !tokens.isEmpty {
                out.write("\(user): \(tokens.joined(separator: "; "))\n")
            }
            if keep { out.write("\nkept \(folder)\n") }
            out.flush()
            // The rotate step must succeed; audit before rotating exits 4 by design (overdue tokens).
            return statuses[2] == 0 ? .success : .tokenFailures
        }

        /// "name uuid" of every token each user holds, from the simulator's test-only `GET /_sim/state`.
        static func tokensHeld(by simulator: URL) async throws -> [(String, [String])] {
            let request = HTTPClientRequest(url: simulator.appendingPathComponent("_sim/state").absoluteString)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 16 << 20)
            let document = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            let users = document?["users"] as? [[String: Any]] ?? []
            return users.compactMap { user in
                guard let id = user["id"] as? String, let tokens = user["tokens"] as? [[String: Any]] else {
                    return nil
                }
                return (id, tokens.map { "\($0["name"] as? String ?? "?") \($0["uuid"] as? String ?? "?")" })
            }
        }
    }
}

typealias Demo = RotatorCommand.Demo

/// The demo's world: users and aged tokens in the simulator, and the matching policy and inventory.
struct DemoScenario {
    static let passwordVariable = "TOKEN_ROTATOR_DEMO_ADMIN_PASSWORD"
    static let adminPassword = "demo-admin-password"

    let now: Date
    /// (user, name, uuid, value, created)
    let tokens: [(String, String, String, String, Date)]

    init(now: Date) {
        self.now = now
        let day: TimeInterval = 86_400
        let specs: [(String, String, TimeInterval)] = [
            ("alice", "ci", 120 * day),  // overdue
            ("bob", "deploy", 80 * day),  // due
            ("svc-backup", "nightly", 25 * day),  // due under the svc-* rule
            ("carol", "laptop", 10 * day),  // fresh
        ]
        tokens = specs.map { user, name, age in
            let value = "11" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            return (user, name, UUID().uuidString.lowercased(), value, now.addingTimeInterval(-age))
        }
    }

    /// The simulator's users file (`jenkins-sim --users`): the rotation admin, and each user with one aged token.
    /// Alice also holds an orphan: a token named like hers that the inventory does not know, which the demo's last
    /// step (`reconcile`) finds.
    var usersYAML: String {
        var yaml = "users:\n  - { id: rotation-admin, password: \"\(Self.adminPassword)\", admin: true }\n"
        for (user, name, uuid, value, created) in tokens {
            yaml += "  - id: \(user)\n    password: \"\(user)-password\"\n    tokens:\n"
            yaml +=
                "      - { name: \(name), uuid: \(uuid), value: \"\(value)\", created: \(Timestamp.format(created)) }\n"
            if user == "alice" {
                let orphan = "11" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
                yaml +=
                    "      - { name: \(name), uuid: \(UUID().uuidString.lowercased()), value: \"\(orphan)\", "
                    + "created: \(Timestamp.format(now.addingTimeInterval(-3 * 86_400))) }\n"
            }
        }
        return yaml
    }

    struct Paths {
        var policy: String
        var database: String
    }

    func write(into folder: String, jenkinsURL: URL) throws -> Paths {
        let policy = """
            # Written by `token-rotator demo`.
            version: 1
            controllers:
              demo:
                url: \(jenkinsURL.absoluteString)
                auth: { user: rotation-admin, password_env: \(Self.passwordVariable) }
                concurrency: 4
                timeout: 10s
            defaults:
              max_age: 90d
              rotate_before: 14d
              deliver:
                - file: { path: "\(folder)/tokens/{controller}/{user}/{name}.token" }
            rules:
              - match: { user: "svc-*" }
                max_age: 30d
                rotate_before: 7d
                deliver:
                  - file: { path: "\(folder)/tokens/{controller}/{user}/{name}.env", format: env }
            limits:
              max_rotations: 100
              max_consecutive_failures: 3

            """
        let policyPath = folder + "/rotation-policy.yml"
        try policy.write(toFile: policyPath, atomically: true, encoding: .utf8)
        var csv = "controller,user,name,uuid,created\n"
        for (user, name, uuid, value, created) in tokens {
            csv += "demo,\(user),\(name),\(uuid),\(Timestamp.format(created))\n"
            let tokenFolder = "\(folder)/tokens/demo/\(user)"
            try FileManager.default.createDirectory(
                atPath: tokenFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let isService = user.hasPrefix("svc-")
            let file = "\(tokenFolder)/\(name).\(isService ? "env" : "token")"
            let content =
                isService
                ? "JENKINS_URL=\(jenkinsURL.absoluteString)\nJENKINS_USER=\(user)\nJENKINS_TOKEN=\(value)\n"
                : value + "\n"
            guard
                FileManager.default.createFile(
                    atPath: file, contents: Data(content.utf8), attributes: [.posixPermissions: 0o600])
            else { throw CLIError.unwritableFile(path: file, reason: "could not create it") }
        }
        let csvPath = folder + "/inventory.csv"
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        let database = folder + "/token-inventory.sqlite"
        let inventory = try InventoryStore.Inventory.open(path: database)
        try inventory.importTokens(try InventoryImport.parse(csv, fileName: csvPath), source: csvPath, addedAt: now)
        return Paths(policy: policyPath, database: database)
    }
}
