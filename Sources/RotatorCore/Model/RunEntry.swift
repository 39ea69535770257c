import Foundation

/// One invocation of a command that changes things (`rotate`, `issue`, `revoke`).
public struct RunEntry: Sendable, Equatable, Codable {
    public var id: Int64?
    public var started: Date
    public var finished: Date?
    /// `rotate`, `issue`, `revoke`, …
    public var mode: String
    public var rotated: Int
    public var failed: Int
    public var retired: Int
    public var skipped: Int
    public var uncertain: Int
    public var exitCode: Int?

    public init(
        id: Int64? = nil, started: Date, finished: Date? = nil, mode: String, rotated: Int = 0,
        failed: Int = 0, retired: Int = 0, skipped: Int = 0, uncertain: Int = 0, exitCode: Int? = nil
    ) {
        self.id = id
        self.started = started
        self.finished = finished
        self.mode = mode
        self.rotated = rotated
        self.failed = failed
        self.retired = retired
        self.skipped = skipped
        self.uncertain = uncertain
        self.exitCode = exitCode
    }
}
