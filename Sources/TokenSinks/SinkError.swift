import Foundation
import RotatorCore

/// Why a sink could not take or give back a token value. Messages name the sink (its path or
/// command), say what failed and what to do; they never contain a token value or file contents.
public enum SinkError: Error, CustomStringConvertible {
    /// A file sink path that is not an absolute path to a file.
    case invalidFilePath(path: String)
    /// A parent folder of a file sink could not be created.
    case cannotCreateFolder(path: String, forFile: String, reason: String)
    /// A component of a file sink's folder exists but is not a folder.
    case notAFolder(path: String, forFile: String)
    /// Writing the new file failed at `step`; the previous file, if any, is unchanged.
    case writeFailed(path: String, step: String, reason: String)
    /// A field to be written holds a line break or NUL, which the file format cannot carry.
    case unwritableField(path: String, field: String)
    /// A token file exists but could not be read.
    case readFailed(path: String, reason: String)
    /// A token file was read but holds no token in the expected format.
    case malformedTokenFile(path: String, format: FileSinkFormat, problem: String)
    /// A command sink with an empty argv.
    case emptyCommand
    /// `argv[0]` is neither an executable file nor found in `PATH`.
    case executableNotFound(command: String, searchPath: String)
    /// The command would have received the token value in an argument.
    case secretInArguments(command: String)
    /// The command could not be started.
    case launchFailed(command: String, reason: String)
    /// The command exited with a non-zero status.
    case commandFailed(command: String, exitCode: Int32)
    /// The command was ended by a signal it did not expect.
    case commandKilled(command: String, signal: Int32)
    /// The command ran past its timeout and was terminated.
    case commandTimedOut(command: String, timeout: Duration)
    /// A path or argument template of the policy could not be rendered for this token.
    case invalidTemplate(sink: String, TemplateError)
    /// A `jenkins_credential` sink's controller has no client in this run.
    case credentialStoreUnavailable(sink: String)
    /// The credential could not be read (unknown id: no silent creation; no permission; network).
    case credentialUnavailable(sink: String, reason: String)
    /// The credential's XML is not what the policy's `kind` says.
    case credentialMismatch(sink: String, problem: String)
    /// Jenkins refused the updated credential.
    case credentialUpdateFailed(sink: String, reason: String)
    /// Argument `index` (1 for the first after the program) would start with `-` only because of a placeholder
    /// value: the program could take it for an option.
    case optionLikeArgument(command: String, index: Int)

    public var description: String {
        switch self {
        case .invalidFilePath(let path):
            return "file sink \"\(path)\": not an absolute path to a file; write the path as /folder/…/file"
        case .cannotCreateFolder(let path, let file, let reason):
            return "file sink \(file): cannot create the folder \(path) (\(reason)); "
                + "create it (mode 0700) or fix the permissions of its parent"
        case .notAFolder(let path, let file):
            return "file sink \(file): \(path) exists but is not a folder; move it away or change the sink's path"
        case .writeFailed(let path, let step, let reason):
            return "file sink \(path): could not \(step) (\(reason)); the previous file is unchanged. "
                + "Check the folder's permissions and free space"
        case .unwritableField(let path, let field):
            return "file sink \(path): the \(field) holds a line break or NUL, which this format cannot carry; "
                + "use format: json"
        case .readFailed(let path, let reason):
            return "token file \(path): cannot read it (\(reason)); check that it is a readable regular file"
        case .malformedTokenFile(let path, let format, let problem):
            return "token file \(path) (format \(format.rawValue)): \(problem); "
                + "write the current token there in that format, or fix the sink's format in the policy"
        case .emptyCommand:
            return "command sink: the command is empty; give at least the program to run"
        case .executableNotFound(let command, let searchPath):
            if command.contains("/") {
                return "command sink \(command): no executable file at that path; install it or fix the policy"
            }
            return "command sink \(command): not found in PATH (\(searchPath)); "
                + "write its absolute path in the policy or install it"
        case .secretInArguments(let command):
            return "command sink \(command): an argument would contain the token value; "
                + "token values go to the command's standard input only"
        case .launchFailed(let command, let reason):
            return "command sink \(command): could not start it (\(reason)); check that it is executable"
        case .commandFailed(let command, let exitCode):
            return "command sink \(command) exited with status \(exitCode); its output is in the log above. "
                + "The new token was not delivered"
        case .commandKilled(let command, let signal):
            return "command sink \(command) was killed by signal \(signal); the new token was not delivered"
        case .commandTimedOut(let command, let timeout):
            return "command sink \(command) did not finish within \(Self.seconds(timeout)) and was terminated; "
                + "make it faster or raise its timeout in the policy"
        case .invalidTemplate(let sink, let error):
            return "\(sink): \(error)"
        case .credentialStoreUnavailable(let sink):
            return "\(sink): no usable connection to that controller in this run (its auth secret could not be "
                + "read: see the error logged before)"
        case .credentialUnavailable(let sink, let reason):
            return "\(sink): cannot read the credential (\(reason)); it must exist (token-rotator never creates "
                + "one) and the controller's auth identity needs Credentials/View and Update on its store"
        case .credentialMismatch(let sink, let problem):
            return "\(sink): \(problem); the credential was not changed"
        case .credentialUpdateFailed(let sink, let reason):
            return "\(sink): Jenkins refused the update (\(reason)); the new token was not delivered there"
        case .optionLikeArgument(let command, let index):
            return "command sink \(command): argument \(index) would start with '-' once its placeholders are filled "
                + "in (a user, token name or controller id starting with '-'), and the program could read it as an "
                + "option; the delivery was refused. Put a literal before the placeholder (--user={user}) or \"--\" "
                + "before the arguments, if the program accepts it"
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        return String(format: "%.3gs", Double(seconds) + Double(attoseconds) / 1e18)
    }
}
