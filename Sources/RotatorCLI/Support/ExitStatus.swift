import ArgumentParser
import InventoryStore
import RotatorCore

/// The exit codes of SPEC §2, owned here and nowhere else.
public enum ExitStatus: Int32, Sendable {
    /// Everything asked for was done.
    case success = 0
    /// At least one token operation failed; the rest went on.
    case tokenFailures = 1
    /// Usage or configuration error; nothing changed.
    case usage = 2
    /// Another run holds the inventory lock.
    case locked = 3
    /// `audit`/`report`: at least one managed token is past its maximum age.
    case overdue = 4

    var exitCode: ExitCode { ExitCode(rawValue) }
}

extension ExitStatus {
    /// The exit code for an error that stopped a command: a held lock is 3; a rotate run that stopped after
    /// it had started changing tokens is 1; everything else (policy, flags, database, files) stopped it before
    /// anything changed: a configuration error.
    init(for error: any Error) {
        if let inventoryError = error as? InventoryError, case .locked = inventoryError {
            self = .locked
        } else if error is RotationRunError {
            self = .tokenFailures
        } else {
            self = .usage
        }
    }
}

extension ExitStatus {
    /// The exit code when standard output could not be written (SPEC §8.2: never a silent truncation): 1 from a
    /// command that may have changed tokens (`rotate`, `issue`, `revoke`), else 2 (nothing was changed).
    static func forIncompleteOutput(of command: any EnvironmentCommand) -> ExitStatus {
        if let rotate = command as? Rotate { return rotate.dryRun ? .usage : .tokenFailures }
        return command is Issue || command is Revoke ? .tokenFailures : .usage
    }
}
