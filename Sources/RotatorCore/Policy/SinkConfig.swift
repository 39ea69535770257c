import Foundation

public enum FileSinkFormat: String, Sendable, Codable {
    case raw, env, json
}

/// How a `file` sink writes its file (SPEC §3, §8.10).
public struct FileSinkOptions: Sendable, Equatable {
    public var format: FileSinkFormat
    /// Permission bits of the token file (`mode: "0640"`); never group- or world-writable. Default 0600.
    public var mode: UInt16
    /// The group that owns the token file (`group: jenkins-agents`), so that its members may read it with
    /// `mode: "0640"`; nil keeps the writer's primary group.
    public var group: String?

    public static let defaultMode: UInt16 = 0o600

    public init(format: FileSinkFormat = .raw, mode: UInt16 = defaultMode, group: String? = nil) {
        self.format = format
        self.mode = mode
        self.group = group
    }
}

/// Where a new token value goes. Paths and argv may hold placeholders.
public enum SinkConfig: Sendable, Equatable {
    case file(path: String, options: FileSinkOptions)
    case command(argv: [String], timeout: TimeSpan)
    /// A credential in a Jenkins credentials store (SPEC §8.6).
    case jenkinsCredential(JenkinsCredentialSinkConfig)

    /// A file sink.
    public static func file(
        path: String, format: FileSinkFormat, mode: UInt16 = FileSinkOptions.defaultMode, group: String? = nil
    ) -> SinkConfig {
        .file(path: path, options: FileSinkOptions(format: format, mode: mode, group: group))
    }

    public var filePath: String? {
        if case .file(let path, _) = self { return path }
        return nil
    }

    /// The texts of this sink that may hold placeholders: a file path, the argv, a credential id.
    public var templates: [String] {
        switch self {
        case .file(let path, _): [path]
        case .command(let argv, _): argv
        case .jenkinsCredential(let config): [config.id]
        }
    }
}
