import Foundation

/// What `rotate` tells people at its end (SPEC §8.8): the counters, the failures, and one line a person can act
/// on. Holds no secret: names, uuids and the results' error texts only (which never carry a token value).
public struct RunNotification: Sendable, Equatable, Encodable {
    public struct Failure: Sendable, Equatable, Encodable {
        public var controller: String
        public var user: String
        public var name: String
        public var outcome: String
        public var error: String?
    }

    public var runID: Int64?
    public var exitCode: Int
    public var asOf: Date
    public var rotated: Int
    public var failed: Int
    public var uncertain: Int
    public var retired: Int
    public var skipped: Int
    /// Managed tokens past their maximum age after the run (not part of the payload's keys: it drives `overdue`).
    public var overdue: Int
    public var text: String
    public var failures: [Failure]

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case exitCode = "exit_code"
        case asOf = "as_of"
        case rotated, failed, uncertain, retired, skipped, text, failures
    }

    /// - Parameters:
    ///   - overdue: managed tokens past their maximum age once the run ended.
    public init(summary: RunSummary, exitCode: Int, overdue: Int = 0) {
        let counts = summary.counts
        runID = summary.runID
        self.exitCode = exitCode
        asOf = summary.asOf
        rotated = counts.rotated
        failed = counts.failed
        uncertain = counts.uncertain
        retired = counts.retired
        skipped = counts.skipped
        self.overdue = overdue
        failures = summary.results.filter { $0.outcome == .failed || $0.outcome == .uncertain }.map {
            Failure(
                controller: $0.controller, user: $0.user, name: $0.name, outcome: $0.outcome.rawValue, error: $0.error)
        }
        text = Self.line(
            runID: runID, exitCode: exitCode, rotated: rotated, failed: failed, uncertain: uncertain,
            overdue: overdue, first: failures.first)
    }

    /// The events of `on` this run matches.
    public func matches(_ on: Set<NotifyEvent>) -> Set<NotifyEvent> {
        var events: Set<NotifyEvent> = []
        if exitCode == 1 { events.insert(.failure) }
        if uncertain > 0 { events.insert(.uncertain) }
        if overdue > 0 { events.insert(.overdue) }
        if exitCode == 0 { events.insert(.success) }
        return events.intersection(on)
    }

    /// The payload: one JSON object, instants in ISO 8601 UTC.
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return Array(try encoder.encode(self))
    }

    /// One line for a chat channel: what happened and what to do first.
    static func line(
        runID: Int64?, exitCode: Int, rotated: Int, failed: Int, uncertain: Int, overdue: Int, first: Failure?
    ) -> String {
        let run = "token-rotator run \(runID.map(String.init) ?? "?")"
        var parts = ["\(rotated) rotated"]
        if failed > 0 { parts.append("\(failed) failed") }
        if uncertain > 0 { parts.append("\(uncertain) uncertain") }
        if overdue > 0 { parts.append("\(overdue) overdue") }
        var text = "\(run): \(parts.joined(separator: ", ")) (exit \(exitCode))"
        if let first {
            text += ". First: \(first.controller)/\(first.user)/\(first.name) \(first.outcome)"
            if let error = first.error { text += ": " + String(error.prefix(200)) }
            text += uncertain > 0 ? ". Run token-rotator reconcile to find tokens a lost answer left behind" : ""
            text += ". See token-rotator history for the rest"
        } else if overdue > 0 {
            text += ". Run token-rotator report --older-than 0s to see the overdue tokens"
        }
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
