import Foundation

public enum FileSinkFormat: String, Sendable, Codable {
    case raw, env, json
}

/// Where a new token value goes. Paths and argv may hold placeholders.
public enum SinkConfig: Sendable, Equatable {
    case file(path: String, format: FileSinkFormat)
    case command(argv: [String], timeout: TimeSpan)

    public var filePath: String? {
        if case .file(let path, _) = self { return path }
        return nil
    }
}
