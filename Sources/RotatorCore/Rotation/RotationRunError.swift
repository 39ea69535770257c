import Foundation
import Logging

/// A run that stopped after it had started (an inventory write failed, say): some tokens may be mid-rotation;
/// the next run resumes them.
public struct RotationRunError: Error, CustomStringConvertible {
    public var runID: Int64
    public var underlying: any Error

    public var description: String {
        "the run stopped (run \(runID)): \(underlying); tokens in flight are resumed by the next run "
            + "(see `token-rotator history`)"
    }
}
