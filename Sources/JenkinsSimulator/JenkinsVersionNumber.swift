/// A dotted Jenkins version (`2.555.1`, `2.492.3`, `2.548`) compared numerically, part by part.
struct JenkinsVersionNumber: Comparable, Sendable, CustomStringConvertible {
    let parts: [Int]
    let description: String

    init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        var parts: [Int] = []
        for piece in pieces {
            guard let number = Int(piece), number >= 0 else { return nil }
            parts.append(number)
        }
        guard !parts.isEmpty else { return nil }
        self.parts = parts
        self.description = text
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        let count = max(lhs.parts.count, rhs.parts.count)
        for index in 0..<count {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }

    static func == (lhs: Self, rhs: Self) -> Bool { !(lhs < rhs) && !(rhs < lhs) }

    /// True from weekly `major.minor` onwards (LTS lines like 2.555.1 count as 2.555).
    func isAtLeast(_ minor: Int) -> Bool { self >= JenkinsVersionNumber(parts: [2, minor]) }

    private init(parts: [Int]) {
        self.parts = parts
        self.description = parts.map(String.init).joined(separator: ".")
    }
}
