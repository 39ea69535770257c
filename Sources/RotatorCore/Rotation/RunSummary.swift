import Foundation

/// The result of one `rotate` run.
public struct RunSummary: Sendable, Equatable {
    public var runID: Int64?
    public var asOf: Date
    public var dryRun: Bool
    public var results: [RotationResult]
    /// True when SIGTERM/SIGINT stopped the run before all its work was started.
    public var interrupted: Bool

    public init(runID: Int64?, asOf: Date, dryRun: Bool = false, results: [RotationResult], interrupted: Bool = false) {
        self.runID = runID
        self.asOf = asOf
        self.dryRun = dryRun
        self.results = results
        self.interrupted = interrupted
    }

    public var counts: RunCounts {
        var counts = RunCounts()
        for result in results {
            switch result.outcome {
            case .rotated: counts.rotated += 1
            case .retired: counts.retired += 1
            case .failed: counts.failed += 1
            case .uncertain: counts.uncertain += 1
            case .skipped: counts.skipped += 1
            case .inProgress: break
            }
        }
        return counts
    }

    /// 1 when any token operation needs attention or the run was interrupted, else 0.
    public var hasFailures: Bool { interrupted || results.contains(where: \.needsAttention) }
}
