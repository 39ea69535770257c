import Foundation

public enum FileSinkFormat: String, Sendable, Codable {
    case raw, env, json
}

/// Where a new token value goes. Paths and argv may hold placeholders.
public enum SinkConfig: Sendable, Equatable {
    case file(path: String, format: FileSinkFormat)
    case command(argv: [String], timeout: TimeSpan)
    /// A credential in a Jenkins credentials store (SPEC §8.6).
    case jenkinsCredential(JenkinsCredentialSinkConfig)

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
