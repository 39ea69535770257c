import Foundation

/// A Jenkins version such as `2.479.3` or `2.548`, compared numerically part by part.
public struct JenkinsVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let parts: [Int]
    public let text: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numeric = trimmed.split(separator: "-", maxSplits: 1).first.map(String.init) ?? trimmed
        let parts = numeric.split(separator: ".").map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        self.parts = parts.compactMap { $0 }
        self.text = trimmed
    }

    public var description: String { text }

    /// Native token expiry (`expirationDuration`) exists from weekly 2.548 and LTS 2.555.1.
    public var supportsTokenExpiry: Bool { self >= JenkinsVersion("2.548")! }

    public static func < (lhs: JenkinsVersion, rhs: JenkinsVersion) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    public static func == (lhs: JenkinsVersion, rhs: JenkinsVersion) -> Bool {
        !(lhs < rhs) && !(rhs < lhs)
    }

    public func hash(into hasher: inout Hasher) {
        var trimmed = parts
        while trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
    }
}
