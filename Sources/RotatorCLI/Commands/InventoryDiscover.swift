import ArgumentParser
import Foundation
import InventoryStore
import JenkinsAPI
import RotatorCore

extension RotatorCommand.InventoryCommand {
    struct Discover: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tokens Jenkins shows for some users, and optionally adopt the unknown ones.",
            discussion: """
                Reads the security page of each --user (or, with --all-users, of every user the people API \
                `/asynchPeople/api/json?tree=users[user[id]]` lists) as the controller's auth identity, and \
                prints one row per token: its creation day (midnight UTC of the page's day count; null for a \
                legacy token), whether it is a legacy token, its use count and days since last use, and whether \
                the inventory knows its uuid. --adopt registers every unknown token shown, all or nothing: a \
                legacy token is registered as created at the epoch, so it is due at once.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "The controller id, as in the policy.") var controller: String
        @Option(name: .customLong("user"), help: "A Jenkins user id (repeatable).") var users: [String] = []
        @Flag(name: .customLong("all-users"), help: "Every user of the controller's people API.")
        var allUsers = false
        @Option(help: ArgumentHelp("Only token names matching this glob.", valueName: "glob")) var name: String?
        @Flag(help: "Register every unknown token shown (all or nothing).") var adopt = false
        @OptionGroup var output: RowFormatOption

        func validate() throws {
            guard allUsers != !users.isEmpty else {
                throw ValidationError("give either --user (repeatable) or --all-users")
            }
        }

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let policy = try global.loadPolicy(env)
            let location = global.inventoryLocation(env)
            let lock = adopt ? try location.acquireRunLock() : nil
            defer { lock?.release() }
            // Without --adopt it only reads (SPEC §8.2): never created, migrated or locked.
            let inventory = try await adopt ? location.openForWriting(env) : location.openReadOnly(env)
            return try await inventory.closing { inventory in try await discover(policy: policy, inventory, env) }
        }

        private func discover(
            policy: RotationPolicy, _ inventory: any InventoryDatabase, _ env: CommandEnvironment
        ) async throws -> ExitStatus {
            let nameGlob = name.map(Glob.init)
            let wallClock = env.now()
            let (found, failures) = try await LiveJenkins.withControllers(
                policy: policy, ids: [controller], env: env
            ) { live -> ([DiscoveredToken], [String]) in
                guard let target = live.first else { return ([], ["controller \(controller) is not in the policy"]) }
                let credential: JenkinsCredential
                switch target.credential {
                case .failure(let error): return ([], ["\(error)"])
                case .success(nil):
                    return ([], ["controller \(controller) has no auth block: discover reads pages as that identity"])
                case .success(let resolved?): credential = resolved
                }
                let ids: [String]
                do {
                    ids = allUsers ? try await target.client.listUserIDs(as: credential) : users
                } catch {
                    return ([], ["cannot list the users of \(controller): \(error)"])
                }
                var found: [DiscoveredToken] = []
                var failures: [String] = []
                for user in ids {
                    do {
                        for listed in try await target.client.listTokens(user: user, as: credential)
                        where nameGlob?.matches(listed.name) ?? true {
                            found.append(
                                DiscoveredToken(
                                    controller: controller, user: user, listed: listed, now: wallClock,
                                    known: try await inventory.isKnownToken(uuid: listed.uuid.lowercased())))
                        }
                    } catch {
                        failures.append("\(controller)/\(user): \(error)")
                    }
                }
                return (found, failures)
            }
            for failure in failures { env.stderr.write("error: \(failure)\n") }
            let writer = RowWriter<DiscoverRow>(format: output.format, output: env.stdout)
            for token in found { writer.write(DiscoverRow(token)) }
            writer.finish()
            guard adopt else { return failures.isEmpty ? .success : .tokenFailures }
            guard failures.isEmpty else {
                env.stderr.write("nothing adopted: \(failures.count) page(s) could not be read (all or nothing)\n")
                return .tokenFailures
            }
            let unknown = found.filter { !$0.known }
            let now = global.now(env)
            try await inventory.importTokens(
                unknown.enumerated().map {
                    ImportedToken(line: $0.offset + 1, record: $0.element.inventoryToken(now: wallClock))
                },
                source: "inventory discover", addedAt: now,
                events: unknown.map { token in
                    InventoryEvent(
                        at: now, controller: token.controller, user: token.user, name: token.name, uuid: token.uuid,
                        kind: "token.adopted", message: "adopted by inventory discover --adopt")
                }, progress: nil)
            env.stderr.write("adopted \(unknown.count) token(s) from \(controller)\n")
            return .success
        }
    }
}
