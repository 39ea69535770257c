import Foundation
import RotatorCore

/// `report --format prometheus`: a node-exporter textfile (SPEC §7). One family per metric, each token a
/// sample labelled controller/user/name/uuid (no secret is ever a label). Unmanaged tokens (rule `skip`) and
/// revoked ones are left out; without a policy only the age is known.
struct PrometheusReport {
    private var age: [([String: String], Double)] = []
    private var maxAge: [([String: String], Double)] = []
    private var due: [([String: String], Double)] = []
    private var overdue: [([String: String], Double)] = []
    private let hasPolicy: Bool
    private let asOf: Date

    init(hasPolicy: Bool, asOf: Date) {
        self.hasPolicy = hasPolicy
        self.asOf = asOf
    }

    mutating func add(_ assessment: TokenAssessment) {
        let token = assessment.token
        guard token.state != .revoked, !hasPolicy || assessment.isManaged else { return }
        let labels = ["controller": token.controller, "user": token.user, "name": token.name, "uuid": token.uuid]
        age.append((labels, Double(assessment.age.seconds)))
        if let limit = assessment.maxAge, let dueAt = assessment.due {
            maxAge.append((labels, Double(limit.seconds)))
            due.append((labels, dueAt.timeIntervalSince1970.rounded(.down)))
            overdue.append((labels, assessment.overdue ? 1 : 0))
        }
    }

    func render() -> String {
        var text = PrometheusText()
        text.metric(
            "token_rotator_token_age_seconds", type: "gauge", help: "Age of each managed Jenkins API token.",
            samples: age)
        if hasPolicy {
            text.metric(
                "token_rotator_token_max_age_seconds", type: "gauge",
                help: "The policy's max_age for each managed token.", samples: maxAge)
            text.metric(
                "token_rotator_token_due_timestamp_seconds", type: "gauge",
                help: "When each managed token becomes due for rotation (Unix time).", samples: due)
            text.metric(
                "token_rotator_token_overdue", type: "gauge",
                help: "1 when a managed token is past its max_age, else 0.", samples: overdue)
        }
        text.metric(
            "token_rotator_report_timestamp_seconds", type: "gauge", help: "The instant this report describes.",
            samples: [([:], asOf.timeIntervalSince1970.rounded(.down))])
        return text.text
    }
}
