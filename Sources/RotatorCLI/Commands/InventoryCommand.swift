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
            let source = file == "-" ? "<stdin>" : file
            var reader = try makeReader(source: source, env)
            // The first token is read before the inventory is opened: a file that is not an import at all is refused
            // (exit 2) before anything is created or locked.
            let first = try reader.next()
            let now = global.now(env)
            // The total is unknown until the end of the file: the line counts up.
            let line = env.stderrIsTerminal ? ProgressLine(output: env.stderr) : nil
            var progress: (@Sendable (Int) -> Void)?
            if let line { progress = { done in line.drawCount(done, "read", final: false) } }
            let imported: Int
            do {
                imported = try await global.withWritableInventory(env) { inventory in
                    try await Self.importAll(
                        into: inventory, first: first, rest: reader, source: source, at: now, progress: progress)
                }
            } catch let conflict as any ImportConflict {
                throw duplicateInFile(conflict) ?? conflict
            }
            line?.drawCount(imported, "imported", final: true)
            env.stderr.write("imported \(imported) tokens from \(source)\n")
            return .success
        }

        private static func importAll(
            into inventory: any InventoryDatabase, first: ImportedToken?, rest reader: InventoryImportReader,
            source: String, at now: Date, progress: (@Sendable (Int) -> Void)?
        ) async throws -> Int {
            var first = first
            var reader = reader
            // The file is read and parsed on a thread of its own while the inventory writes: a million-row import
            // keeps both cores busy.
            let rest = ReadAhead { try reader.next() }
            defer { rest.finish() }
            return try await inventory.importTokens(
                source: source, addedAt: now, progress: progress,
                events: { count in
                    [InventoryEvent(at: now, kind: "tokens.imported", message: "\(count) tokens from \(source)")]
                },
                reading: {
                    if let token = first {
                        first = nil
                        return token
                    }
                    return try rest.next()
                })
        }

        /// Reads the file (a regular file, never a FIFO or device) or standard input a chunk at a time.
        private func makeReader(source: String, _ env: CommandEnvironment) throws -> InventoryImportReader {
            guard file != "-" else {
                let read = env.readStandardInput
                return InventoryImportReader(fileName: source) { buffer in
                    do { return try read(buffer) } catch {
                        throw CLIError.unreadableFile(path: source, reason: "\(error)")
                    }
                }
            }
            return try Self.fileReader(file)
        }

        private static func fileReader(_ path: String) throws -> InventoryImportReader {
            let opened: BoundedFile.Reader
            do { opened = try BoundedFile.Reader(path) } catch {
                throw CLIError.unreadableFile(path: path, reason: error.description)
            }
            return InventoryImportReader(fileName: path) { buffer in
                do { return try opened.read(into: buffer) } catch {
                    throw CLIError.unreadableFile(path: path, reason: "\(error)")
                }
            }
        }

        /// A uuid the inventory already held because an earlier line of this same file put it there: that line,
        /// found by reading the file again up to the conflict (standard input cannot be read twice). Only a
        /// PostgreSQL import needs this, for a repeat in an earlier 1,000-row chunk; SQLite names the line itself.
        private func duplicateInFile(_ conflict: any ImportConflict) -> InventoryImportError? {
            guard file != "-", let (line, uuid) = conflict.importConflict,
                var again = try? Self.fileReader(file)
            else { return nil }
            while let token = try? again.next(), token.line < line {
                if token.record.uuid == uuid.lowercased() {
                    return .duplicateUUID(file: file, uuid: uuid, firstLine: token.line, line: line)
                }
            }
            return nil
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
