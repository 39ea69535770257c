import Foundation

/// What a sink held before a delivery, so that a rollback can put it back.
public struct SinkSnapshot: Sendable {
    /// The whole previous content; nil when there was nothing (the file did not exist).
    public var content: Secret?

    public init(content: Secret?) {
        self.content = content
    }
}
