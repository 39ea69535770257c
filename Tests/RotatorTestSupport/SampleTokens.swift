import Foundation
import RotatorCore
import Testing

/// An instant from ISO 8601 text, at whole milliseconds (what both inventories store), for test data.
public func instant(_ text: String) -> Date {
    guard let date = Timestamp.parse(text) else {
        Issue.record("bad test instant \(text)")
        return Date(timeIntervalSince1970: 0)
    }
    return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
}

/// Token number `number` of the inventory tests (uuid from ``sampleUUID(_:)``).
public func sampleToken(
    _ number: Int, controller: String = "ci-main", user: String = "alice", name: String? = nil,
    created: Date = instant("2026-01-05T00:00:00.000Z"), state: TokenState = .active
) -> InventoryToken {
    InventoryToken(
        controller: controller, user: user, name: name ?? "token-\(number)", uuid: sampleUUID(number),
        created: created, state: state, fingerprint: "0123456789ab")
}

/// A valid, distinct uuid for each number.
public func sampleUUID(_ number: Int) -> String {
    let hex = String(number, radix: 16)
    return "0b6d1c2e-1f0a-4c8e-9a53-" + String(repeating: "0", count: 12 - hex.count) + hex
}

/// When the inventory tests add their tokens.
public let addedAt = instant("2026-02-01T12:00:00.000Z")
