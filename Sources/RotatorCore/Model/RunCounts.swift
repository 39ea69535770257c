import Foundation

/// The counters of one run (SPEC §2 rotate JSON).
public struct RunCounts: Sendable, Equatable {
    public var rotated: Int
    public var failed: Int
    public var retired: Int
    public var skipped: Int
    public var uncertain: Int

    public init(rotated: Int = 0, failed: Int = 0, retired: Int = 0, skipped: Int = 0, uncertain: Int = 0) {
        self.rotated = rotated
        self.failed = failed
        self.retired = retired
        self.skipped = skipped
        self.uncertain = uncertain
    }
}
