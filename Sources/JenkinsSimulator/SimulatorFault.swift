/// A fault injected into one endpoint of the simulator.
///
/// Grammar (used by `--fault`, by `POST /_sim/faults` and by ``SimulatorFault/parse(_:)``):
///
/// ```
/// FAULT    := ENDPOINT ":" ACTION ("," OPTION)*
/// ENDPOINT := generate | revoke | revokeAll | revokeAllExcept | rename | addFixedToken
///           | whoami | crumb | security | api | people | credentials | any
/// ACTION   := status=CODE   answer CODE (an empty body) without doing anything
///           | drop          do the work (commit), then close the connection without a response
///           | commit-500    do the work, then answer 500 instead of the real response
///           | revoke-noop   answer revoke's 200 but revoke nothing
///           | no-section    serve the security page without its API-token section (as when a plugin or a
///                           proxy changes the page): a client must not read that as "no tokens"
///           | slow=DUR      wait DUR before answering (5ms, 2s, …)
///           | hold          do the work, then hold the request open until released (or the simulator stops)
///           | hold-before   hold the request open before doing the work; once released it is processed normally
/// OPTION   := count=N       apply to the next N matching requests only
///           | nth=N         apply to the N-th matching request only (counted from when the fault was added)
///           | rate=P        apply to each matching request with probability P (0…1)
///           | seed=S        seed of the deterministic random generator behind `rate` (default 0)
/// ```
///
/// Without `count`, `nth` or `rate` a fault applies to every matching request, except `hold` and
/// `hold-before`, which apply to the first one only. `count` combines with `rate` (at most N hits).
/// Examples: `generate:status=503,count=2`, `generate:status=500,rate=0.25,seed=7`, `generate:drop,nth=3`,
/// `any:slow=200ms`, `revoke:revoke-noop`, `generate:hold,nth=2`, `whoami:status=401,count=1`.
/// `any` matches every Jenkins endpoint but never `/_sim/`.
public struct SimulatorFault: Sendable, Equatable, CustomStringConvertible {
    /// What the fault does to a matching request.
    public enum Action: Sendable, Equatable {
        /// Answer this status with an empty body, without any effect.
        case status(Int)
        /// Commit the effect, then close the connection without a response.
        case drop
        /// Commit the effect, then answer 500.
        case commitThen500
        /// Answer revoke's 200 without revoking.
        case revokeNoop
        /// Serve the security page without the API-token section.
        case noTokenSection
        /// Delay the answer.
        case slow(Duration)
        /// Hold the request open until released; `afterCommit` decides whether the effect happens first.
        case hold(afterCommit: Bool)
    }

    /// Endpoint name (see the grammar), or `any`.
    public var endpoint: String
    /// The action.
    public var action: Action
    /// Apply to at most this many matching requests.
    public var count: Int?
    /// Apply to the N-th matching request only (1-based).
    public var nth: Int?
    /// Probability of applying to each matching request.
    public var rate: Double?
    /// Seed of the deterministic generator used with `rate`.
    public var seed: UInt64

    /// Endpoint names a fault may target.
    public static let endpoints: Set<String> = [
        "generate", "revoke", "revokeAll", "revokeAllExcept", "rename", "addFixedToken",
        "whoami", "crumb", "security", "api", "people", "credentials", "any",
    ]

    /// Creates a fault; prefer ``parse(_:)`` for specs written by people.
    public init(
        endpoint: String, action: Action, count: Int? = nil, nth: Int? = nil, rate: Double? = nil,
        seed: UInt64 = 0
    ) {
        self.endpoint = endpoint
        self.action = action
        self.count = count
        self.nth = nth
        self.rate = rate
        self.seed = seed
    }

    /// Parses one fault spec such as `generate:status=503,count=2`.
    public static func parse(_ spec: String) throws -> SimulatorFault {
        func fail(_ reason: String) -> SimulatorError { .invalidFault(spec: spec, reason: reason) }
        guard let colon = spec.firstIndex(of: ":") else { throw fail("missing ':' after the endpoint") }
        let endpoint = String(spec[..<colon])
        guard endpoints.contains(endpoint) else {
            throw fail("unknown endpoint '\(endpoint)' (one of \(endpoints.sorted().joined(separator: ", ")))")
        }
        let items = spec[spec.index(after: colon)...].split(separator: ",").map(String.init)
        guard let actionText = items.first else { throw fail("missing action") }
        let action = try parseAction(actionText, fail: fail)
        var fault = SimulatorFault(endpoint: endpoint, action: action)
        for option in items.dropFirst() {
            let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw fail("option '\(option)' needs a value") }
            switch pair[0] {
            case "count":
                guard let number = Int(pair[1]), number > 0 else { throw fail("count must be a positive integer") }
                fault.count = number
            case "nth":
                guard let number = Int(pair[1]), number > 0 else { throw fail("nth must be a positive integer") }
                fault.nth = number
            case "rate":
                guard let number = Double(pair[1]), number >= 0, number <= 1 else {
                    throw fail("rate must be a number between 0 and 1")
                }
                fault.rate = number
            case "seed":
                guard let number = UInt64(pair[1]) else { throw fail("seed must be a non-negative integer") }
                fault.seed = number
            default:
                throw fail("unknown option '\(pair[0])' (count, nth, rate, seed)")
            }
        }
        return fault
    }

    private static func parseAction(
        _ text: String, fail: (String) -> SimulatorError
    ) throws -> Action {
        switch text {
        case "drop": return .drop
        case "commit-500": return .commitThen500
        case "revoke-noop": return .revokeNoop
        case "no-section": return .noTokenSection
        case "hold": return .hold(afterCommit: true)
        case "hold-before": return .hold(afterCommit: false)
        default: break
        }
        if text.hasPrefix("status=") {
            guard let code = Int(text.dropFirst("status=".count)), (100...599).contains(code) else {
                throw fail("status must be an HTTP status code")
            }
            return .status(code)
        }
        if text.hasPrefix("slow=") {
            do {
                return .slow(try DurationParsing.parse(String(text.dropFirst("slow=".count))))
            } catch {
                throw fail("slow needs a duration such as 200ms")
            }
        }
        throw fail(
            "unknown action '\(text)' (status=CODE, drop, commit-500, revoke-noop, no-section, slow=DUR, hold, hold-before)"
        )
    }

    /// The fault written back in the grammar above.
    public var description: String {
        var text = "\(endpoint):"
        switch action {
        case .status(let code): text += "status=\(code)"
        case .drop: text += "drop"
        case .commitThen500: text += "commit-500"
        case .revokeNoop: text += "revoke-noop"
        case .noTokenSection: text += "no-section"
        case .slow(let duration): text += "slow=\(DurationParsing.format(duration))"
        case .hold(let afterCommit): text += afterCommit ? "hold" : "hold-before"
        }
        if let count { text += ",count=\(count)" }
        if let nth { text += ",nth=\(nth)" }
        if let rate { text += ",rate=\(rate),seed=\(seed)" }
        return text
    }
}
