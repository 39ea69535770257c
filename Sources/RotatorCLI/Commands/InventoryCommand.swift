import ArgumentParser
import Foundation
import InventoryStore
import RotatorCore

extension RotatorCommand {
    struct InventoryCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inventory",
            abstract: "Register, list, discover and forget tokens in the inventory (only discover talks to Jenkins).",
            subcommands: [Add.self, Import.self, List.self, Remove.self, Discover.self, Copy.self])
    }
}

typealias InventoryCommand = RotatorCommand.InventoryCommand

extension RotatorCommand.InventoryCommand {
    struct Add: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an existing token so that it is rotated by policy.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The controller id, as in the policy.") var controller: String
        @Option(help: "The Jenkins user id that owns the token.") var user: String
        @Option(help: "The token's name in Jenkins.") var name: String
        @Option(help: "The token's uuid (from the user's security page).") var uuid: String
        @Option(help: ArgumentHelp("When the token was created (ISO 8601).", valueName: "ISO8601")) var created: String

        func validate() throws {
            guard InventoryImport.canonicalUUID(uuid) != nil else {
                throw ValidationError("--uuid \(uuid) is not a UUID (e.g. 0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10)")
            }
            guard Timestamp.parse(created) != nil else {
                throw ValidationError("--created \(created) is not an ISO 8601 instant (e.g. 2026-01-05T00:00:00Z)")
            }
            for (flag, value) in [("--controller", controller), ("--user", user), ("--name", name)] where value.isEmpty
            {
                throw ValidationError("\(flag) must not be empty")
            }
        }

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let record = InventoryToken(
                controller: controller, user: user, name: name, uuid: uuid.lowercased(),
                created: Timestamp.parse(created)!)
            let now = global.now(env)
            try await global.withWritableInventory(env) { inventory in
                try await inventory.add(
                    record, addedAt: now,
                    events: [
                        InventoryEvent(
                            at: now, controller: controller, user: user, name: name, uuid: record.uuid,
                            kind: "token.added", message: "registered by inventory add")
                    ])
            }
            env.stderr.write("added \(controller)/\(user)/\(name) (\(record.uuid))\n")
            return .success
        }
    }

    struct Import: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register many tokens from CSV or JSON, all or nothing.",
            discussion: """
                CSV needs the columns controller,user,name,uuid,created in its header (line 1); other columns are \
                ignored, so `report --format csv` output imports as it is. JSON is an array of objects with the \
                same keys. Any error (named by line and field) leaves the inventory unchanged.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The CSV or JSON file, or - for standard input.", valueName: "file"))
        var file: String

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let text: String
            let source = file == "-" ? "<stdin>" : file
            do {
                let bytes =
                    file == "-"
                    ? [UInt8](try env.readStandardInput())
                    : try BoundedFile.read(file, limit: InventoryImport.maxFileSize)
                guard bytes.count <= InventoryImport.maxFileSize else {
                    throw CLIError.unreadableFile(path: source, reason: "it is larger than the import limit")
                }
                guard let decoded = String(validating: bytes, as: UTF8.self) else {
                    throw CLIError.unreadableFile(path: source, reason: "it is not UTF-8 text")
                }
                text = decoded
            } catch let failure as BoundedFile.Failure {
                throw CLIError.unreadableFile(path: source, reason: failure.description)
            } catch let failure as CLIError {
                throw failure
            } catch {
                throw CLIError.unreadableFile(path: source, reason: "\(error)")
            }
            let file = source
            let tokens = try InventoryImport.parse(text, fileName: file)
            let now = global.now(env)
            let started = Date()
            let total = tokens.count
            var progress: (@Sendable (Int) -> Void)?
            if env.stderrIsTerminal {
                let line = ProgressLine(output: env.stderr)
                progress = { done in
                    line.draw(
                        RunProgress(done: done, total: total, failures: 0, elapsed: Date().timeIntervalSince(started)))
                }
            }
            try await global.withWritableInventory(env) { [progress] inventory in
                try await inventory.importTokens(
                    tokens, source: file, addedAt: now,
                    events: [
                        InventoryEvent(at: now, kind: "tokens.imported", message: "\(total) tokens from \(file)")
                    ], progress: progress)
            }
            env.stderr.write("imported \(tokens.count) tokens from \(file)\n")
            return .success
        }
    }

    struct List: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the inventory (revoked tokens included), with the report's columns.",
            discussion: """
                Opens the inventory read-only: never creates, migrates or locks it (exit 2 naming the path and \
                `migrate` when it is missing or older than this binary).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: RowFormatOption
        @OptionGroup var filters: TokenFilterOptions

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            let policy = try global.loadOptionalPolicy(env)
            let asOf = global.now(env)
            let filter = filters.filter
            let writer = RowWriter<TokenReportRow>(format: output.format, output: env.stdout)
            try await global.withReadOnlyInventory(env) { inventory in
                try await inventory.forEachToken(includeRevoked: true) { token in
                    guard filter.includes(token) else { return }
                    writer.write(TokenReportRow(TokenAssessment(token: token, policy: policy, asOf: asOf)))
                }
            }
            writer.finish()
            return .success
        }
    }

    struct Remove: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a token without revoking it in Jenkins.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The token's uuid.") var uuid: String

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            // The run lock (SQLite) or the token's claim (PostgreSQL): a rotation in flight must never lose the token
            // it is replacing.
            let location = global.inventoryLocation(env)
            let lock = try location.acquireRunLock()
            defer { lock?.release() }
            let removed = try await location.openForWriting(env).closing { inventory in
                try await remove(from: inventory, env)
            }
            env.stderr.write(
                "removed \(removed.controller)/\(removed.user)/\(removed.name) (\(removed.uuid)); "
                    + "it was not revoked in Jenkins\n")
            return .success
        }

        private func remove(from inventory: any InventoryDatabase, _ env: CommandEnvironment) async throws
            -> InventoryToken
        {
            guard let removed = try await inventory.token(uuid: uuid) else {
                throw CLIError.unknownUUID(inventory: inventory.location, uuid: uuid)
            }
            if let open = try await inventory.unfinishedRotations().first(where: {
                $0.oldUUID == removed.uuid || $0.newUUID == removed.uuid
            }) {
                throw CLIError.unfinishedRotation(uuid: removed.uuid, rotationID: open.id, step: open.step.rawValue)
            }
            if let claims = inventory.claims, let holder = try await claims.claimHolder(uuid: removed.uuid) {
                throw CLIError.tokenClaimed(uuid: removed.uuid, runID: holder)
            }
            try await inventory.remove(
                uuid: removed.uuid,
                events: [
                    InventoryEvent(
                        at: global.now(env), controller: removed.controller, user: removed.user, name: removed.name,
                        uuid: removed.uuid, kind: "token.removed",
                        message: "forgotten by inventory remove (not revoked)")
                ])
            return removed
        }
    }
}
