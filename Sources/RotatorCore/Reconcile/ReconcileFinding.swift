import Foundation

/// One row of `reconcile`: a token Jenkins shows or the inventory expects (SPEC §8.4).
public struct ReconcileFinding: Sendable, Equatable {
    public var controller: String
    public var user: String
    /// The name Jenkins shows (or the inventory's, for a missing token); empty when the page was unreadable.
    public var name: String
    /// The uuid, nil on the row of an unreadable page.
    public var uuid: String?
    /// nil on the row of an unreadable page.
    public var kind: ReconcileKind?
    /// Days since creation as the page shows them (a lower bound where the page is coarse).
    public var createdDays: Int?
    public var useCount: Int?
    public var lastUsedDays: Int?
    public var action: ReconcileAction
    /// Why the action failed, or why the page could not be read.
    public var error: String?

    public init(
        controller: String, user: String, name: String, uuid: String?, kind: ReconcileKind?,
        createdDays: Int? = nil, useCount: Int? = nil, lastUsedDays: Int? = nil, action: ReconcileAction = .none,
        error: String? = nil
    ) {
        self.controller = controller
        self.user = user
        self.name = name
        self.uuid = uuid
        self.kind = kind
        self.createdDays = createdDays
        self.useCount = useCount
        self.lastUsedDays = lastUsedDays
        self.action = action
        self.error = error
    }

    /// Still needs a person or a flag: an orphan not revoked, a missing row not forgotten, or a failure.
    public var isOutstanding: Bool {
        switch (kind, action) {
        case (_, .failed): true
        case (.orphan, .none), (.missing, .none): true
        case (nil, _): true
        default: false
        }
    }
}

/// `reconcile --format json|csv|table` rows: the keys of SPEC §8.4, then `error`.
public struct ReconcileRow: OutputRow, Equatable {
    public var finding: ReconcileFinding

    public init(_ finding: ReconcileFinding) {
        self.finding = finding
    }

    public static let columns = [
        "controller", "user", "name", "uuid", "kind", "created_days", "use_count", "last_used_days", "action", "error",
    ]

    public var fields: [FieldValue] {
        [
            .text(finding.controller), .text(finding.user), .text(finding.name), .optionalText(finding.uuid),
            .optionalText(finding.kind?.rawValue), .optionalInteger(finding.createdDays.map(Int64.init)),
            .optionalInteger(finding.useCount.map(Int64.init)), .optionalInteger(finding.lastUsedDays.map(Int64.init)),
            .text(finding.action.rawValue), .optionalText(finding.error),
        ]
    }
}
