import Foundation

/// What happened to one token in a run (SPEC §2 rotate `results`).
public struct RotationResult: Sendable, Equatable {
    public var controller: String
    public var user: String
    public var name: String
    public var oldUUID: String?
    public var newUUID: String?
    public var outcome: RotationOutcome
    /// Why it failed, was skipped or needs attention; nil when all went well.
    public var error: String?

    public init(
        controller: String, user: String, name: String, oldUUID: String?, newUUID: String? = nil,
        outcome: RotationOutcome, error: String? = nil
    ) {
        self.controller = controller
        self.user = user
        self.name = name
        self.oldUUID = oldUUID
        self.newUUID = newUUID
        self.outcome = outcome
        self.error = error
    }

    /// Whether this result makes the run exit 1: a failure, a lost generate response, a rotation left
    /// in progress, or a rotation whose old token could not be revoked.
    public var needsAttention: Bool {
        switch outcome {
        case .failed, .uncertain, .inProgress: true
        case .rotated, .retired: error != nil
        case .skipped: false
        }
    }
}

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
