import Foundation

/// Reads a secret from where the policy says it lives. Only commands that talk to Jenkins call this;
/// loading a policy never does.
public enum SecretResolver {
    /// The secret named by `source`: a non-empty environment variable, or a file's contents with trailing
    /// whitespace and newlines removed. The file must be a regular file of at most 64 KiB (a FIFO or device
    /// is refused at once, never waited on). Errors name the variable or the file, never the value.
    public static func resolve(_ source: SecretSource, environment: [String: String]) throws -> Secret {
        switch source {
        case .environment(let name):
            guard let value = environment[name] else { throw SecretResolutionError.variableMissing(name) }
            guard !value.isEmpty else { throw SecretResolutionError.variableEmpty(name) }
            return Secret(value)
        case .file(let path):
            return try readFile(path)
        }
    }

    /// A warning when a secret file is readable by its group or by everyone (mode & 0o044), else nil.
    /// Environment sources and unreadable files give nil; ``resolve(_:environment:)`` reports the latter.
    public static func permissionWarning(for source: SecretSource) -> String? {
        guard case .file(let path) = source,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { return nil }
        guard mode & 0o044 != 0 else { return nil }
        let who = mode & 0o004 != 0 ? "everyone" : "its group"
        return "secret file \(path) is readable by \(who) (mode \(String(mode & 0o777, radix: 8))); "
            + "run chmod 600 \(path)"
    }

    /// The largest secret file read: a Jenkins token is 34 bytes, a password rarely 100.
    public static let maxFileSize = 64 << 10

    private static func readFile(_ path: String) throws -> Secret {
        let data: [UInt8]
        do {
            data = try BoundedFile.read(path, limit: maxFileSize)
        } catch .missing {
            throw SecretResolutionError.fileMissing(path)
        } catch {
            throw SecretResolutionError.fileUnreadable(path, reason: error.description)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw SecretResolutionError.fileUnreadable(path, reason: "it is not UTF-8 text")
        }
        var value = Substring(text)
        while let last = value.last, last.isWhitespace || last.isNewline {
            value.removeLast()
        }
        guard !value.isEmpty else { throw SecretResolutionError.fileEmpty(path) }
        return Secret(String(value))
    }
}
