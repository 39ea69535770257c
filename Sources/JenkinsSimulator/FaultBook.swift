/// The faults in force and how many matching requests each has seen.
struct FaultBook: Sendable {
    /// What the faults that hit one request ask for, combined.
    struct Decision: Sendable {
        var status: Int?
        var delay: Duration = .zero
        var drop = false
        var commitThen500 = false
        var revokeNoop = false
        var noTokenSection = false
        var hold: HoldPoint?
    }

    private struct ActiveFault: Sendable {
        let fault: SimulatorFault
        var seen = 0
        var applied = 0
        var random: SplitMix64

        init(_ fault: SimulatorFault) {
            self.fault = fault
            random = SplitMix64(seed: fault.seed)
        }

        var limit: Int? {
            if let count = fault.count { return count }
            if fault.rate == nil, fault.nth == nil, case .hold = fault.action { return 1 }
            return nil
        }

        var exhausted: Bool {
            if let nth = fault.nth { return seen >= nth }
            if let limit { return applied >= limit }
            return false
        }

        mutating func hits() -> Bool {
            seen += 1
            let hit: Bool
            if let nth = fault.nth {
                hit = seen == nth
            } else if let rate = fault.rate {
                hit = random.nextUnitInterval() < rate && (limit.map { applied < $0 } ?? true)
            } else {
                hit = limit.map { applied < $0 } ?? true
            }
            if hit { applied += 1 }
            return hit
        }
    }

    private var active: [ActiveFault] = []

    var faults: [SimulatorFault] { active.map(\.fault) }

    mutating func add(_ fault: SimulatorFault) { active.append(ActiveFault(fault)) }

    mutating func removeAll() { active = [] }

    mutating func decide(for endpoint: SimulatorEndpoint) -> Decision {
        var decision = Decision()
        guard !active.isEmpty else { return decision }
        for index in active.indices {
            let target = active[index].fault.endpoint
            guard target == "any" || target == endpoint.rawValue, active[index].hits() else { continue }
            switch active[index].fault.action {
            case .status(let code): decision.status = decision.status ?? code
            case .drop: decision.drop = true
            case .commitThen500: decision.commitThen500 = true
            case .revokeNoop: decision.revokeNoop = true
            case .noTokenSection: decision.noTokenSection = true
            case .slow(let duration): decision.delay += duration
            case .hold(let afterCommit): decision.hold = decision.hold ?? (afterCommit ? .afterCommit : .beforeCommit)
            }
        }
        active.removeAll { $0.exhausted }
        return decision
    }
}

/// A tiny deterministic generator, so that `rate` faults replay identically for a given seed.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func nextUnitInterval() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
