import Foundation

/// Builds the sinks of one delivery from the policy's sink list, placeholders rendered.
/// `TokenSinks.SinkFactory` implements it.
public protocol SinkProvider: Sendable {
    func makeSinks(_ configs: [SinkConfig], values: PlaceholderValues) throws -> [any SecretSink]
}
