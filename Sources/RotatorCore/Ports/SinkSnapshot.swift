import Foundation

/// What a sink held before a delivery, so that a rollback can put it back.
public struct SinkSnapshot: Sendable {
    /// The whole previous content; nil when there was nothing (the file did not exist).
    public var content: Secret?
    /// The token value in that content (what ``SecretSink/heldValue()`` would read), taken from the same read.
    public var heldValue: Secret?

    public init(content: Secret?, heldValue: Secret? = nil) {
        self.content = content
        self.heldValue = heldValue
    }
}
