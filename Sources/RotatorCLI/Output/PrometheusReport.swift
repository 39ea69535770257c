import Foundation
import RotatorCore

/// `report --format prometheus`: a node-exporter textfile (SPEC §8.9).
///
/// Per controller, every state with zero counts included: `token_rotator_tokens{controller,state}`,
/// `token_rotator_tokens_overdue{controller}` and `token_rotator_oldest_token_age_seconds{controller}`; per managed
/// active token (left out with `--summary`) its age, limit, due instant and overdue flag labelled controller, user
/// and name. No `uuid` label: it changes at every rotation, and each rotation would start new series. Two active
/// tokens with the same controller, user and name (an import can hold such) give one series: the older one's.
/// Then `token_rotator_report_timestamp_seconds` and `token_rotator_build_info{version}`. No secret is ever a label.
struct PrometheusReport {
    private struct ControllerCounts {
        var byState: [TokenState: Int] = [:]
        var overdue = 0
        var oldestAge: Int64 = 0
    }

    private struct TokenSample {
        var labels: [String: String]
        var age: Int64
        var maxAge: Int64?
        var due: Double?
        var overdue: Bool
    }

    private var controllers: [String: ControllerCounts] = [:]
    private var tokens: [String: TokenSample] = [:]
    private let hasPolicy: Bool
    private let summary: Bool
    private let asOf: Date

    /// `controllers`: the policy's controller ids, reported even when they hold no token.
    init(controllers: [String], hasPolicy: Bool, summary: Bool, asOf: Date) {
        self.hasPolicy = hasPolicy
        self.summary = summary
        self.asOf = asOf
        for id in controllers { self.controllers[id] = ControllerCounts() }
    }

    /// Counts every token (revoked ones included); samples managed active ones.
    mutating func add(_ assessment: TokenAssessment) {
        let token = assessment.token
        var counts = controllers[token.controller] ?? ControllerCounts()
        counts.byState[token.state, default: 0] += 1
        let managed = !hasPolicy || assessment.isManaged
        if token.state != .revoked, managed {
            counts.oldestAge = max(counts.oldestAge, assessment.age.seconds)
            if assessment.overdue { counts.overdue += 1 }
        }
        controllers[token.controller] = counts
        guard !summary, token.state == .active, managed else { return }
        let key = [token.controller, token.user, token.name].joined(separator: "\u{0}")
        if let kept = tokens[key], kept.age >= assessment.age.seconds { return }
        tokens[key] = TokenSample(
            labels: ["controller": token.controller, "user": token.user, "name": token.name],
            age: assessment.age.seconds, maxAge: assessment.maxAge?.seconds,
            due: assessment.due.map { $0.timeIntervalSince1970.rounded(.down) }, overdue: assessment.overdue)
    }

    func render() -> String {
        var text = PrometheusText()
        let ids = controllers.keys.sorted()
        text.metric(
            "token_rotator_tokens", type: "gauge", help: "Tokens in the inventory by controller and state.",
            samples: ids.flatMap { id in
                TokenState.allCases.map {
                    (["controller": id, "state": $0.rawValue], Double(controllers[id]!.byState[$0] ?? 0))
                }
            })
        if hasPolicy {
            text.metric(
                "token_rotator_tokens_overdue", type: "gauge",
                help: "Managed tokens past their max_age, by controller.",
                samples: ids.map { (["controller": $0], Double(controllers[$0]!.overdue)) })
        }
        text.metric(
            "token_rotator_oldest_token_age_seconds", type: "gauge",
            help: "Age of the oldest managed active or retiring token, by controller (0 when it has none).",
            samples: ids.map { (["controller": $0], Double(controllers[$0]!.oldestAge)) })
        if !summary {
            let samples = tokens.keys.sorted().map { tokens[$0]! }
            text.metric(
                "token_rotator_token_age_seconds", type: "gauge", help: "Age of each managed active token.",
                samples: samples.map { ($0.labels, Double($0.age)) })
            if hasPolicy {
                text.metric(
                    "token_rotator_token_max_age_seconds", type: "gauge",
                    help: "The policy's max_age for each managed token.",
                    samples: samples.compactMap { sample in sample.maxAge.map { (sample.labels, Double($0)) } })
                text.metric(
                    "token_rotator_token_due_timestamp_seconds", type: "gauge",
                    help: "When each managed token becomes due for rotation (Unix time).",
                    samples: samples.compactMap { sample in sample.due.map { (sample.labels, $0) } })
                text.metric(
                    "token_rotator_token_overdue", type: "gauge",
                    help: "1 when a managed token is past its max_age, else 0.",
                    samples: samples.map { ($0.labels, $0.overdue ? 1 : 0) })
            }
        }
        text.metric(
            "token_rotator_report_timestamp_seconds", type: "gauge", help: "The instant this report describes.",
            samples: [([:], asOf.timeIntervalSince1970.rounded(.down))])
        text.metric(
            "token_rotator_build_info", type: "gauge", help: "The token-rotator release that wrote this report.",
            samples: [(["version": TokenRotatorVersion.current], 1)])
        return text.text
    }
}
