import Foundation
import Locking
import RotatorCore

/// Everything outside the engine, in memory: Jenkins' tokens, the inventory and journal, and what each sink's
/// consumer holds. One counter numbers every side effect the engine causes (a Jenkins call, a sink delivery,
/// a journal write) so that a test can crash the "process" at any one of them: from then on every port throws
/// ``SimulatedCrash`` without effect, exactly as if the process had died there. ``restart()`` brings the ports
/// back with the state they had at the crash, for the next run to resolve.
public final class FakeWorld: Sendable {
    /// Where a crash strikes relative to the numbered side effect.
    public enum CrashTiming: String, Sendable, CaseIterable {
        /// Before the effect takes place (a request that never left).
        case before
        /// After the effect, before its answer is seen (a response lost with the process).
        case after
    }

    struct State {
        var effects = 0
        var crashAt: (index: Int, timing: CrashTiming)?
        var crashed = false
        /// Descriptions of the effects so far, for failure messages.
        var log: [String] = []
    }

    let state = LockedValue(State())
    public let jenkins: FakeJenkins
    public let inventory: MemoryInventory
    public let sinks: FakeSinkStore

    public init(users: [String] = []) {
        jenkins = FakeJenkins()
        inventory = MemoryInventory()
        sinks = FakeSinkStore()
        jenkins.world = self
        inventory.world = self
        sinks.world = self
        for user in users { jenkins.addUser(user) }
    }

    /// Crash at the `index`-th side effect (1-based) of what runs next.
    public func crash(at index: Int, _ timing: CrashTiming) {
        state.withLock {
            $0.crashAt = ($0.effects + index, timing)
        }
    }

    /// The process is "started again": ports work, with the state they had when it crashed.
    public func restart() {
        state.withLock {
            $0.crashed = false
            $0.crashAt = nil
        }
    }

    public var hasCrashed: Bool { state.withLock { $0.crashed } }
    public var effectCount: Int { state.withLock { $0.effects } }
    public var effectLog: [String] { state.withLock { $0.log } }

    /// Runs one side effect under the crash rules.
    func effect<T>(_ what: String, _ body: () throws -> T) throws -> T {
        let timing: CrashTiming? = try state.withLock { state in
            if state.crashed { throw SimulatedCrash() }
            state.effects += 1
            state.log.append(what)
            guard let crashAt = state.crashAt, crashAt.index == state.effects else { return nil }
            state.crashed = true
            return crashAt.timing
        }
        if timing == .before { throw SimulatedCrash() }
        let value = try body()
        if timing == .after { throw SimulatedCrash() }
        return value
    }

    /// A read: no effect, but a dead process reads nothing either.
    func read<T>(_ body: () throws -> T) throws -> T {
        if state.withLock({ $0.crashed }) { throw SimulatedCrash() }
        return try body()
    }
}

/// The process died here (a simulated SIGKILL).
public struct SimulatedCrash: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "simulated crash" }
}
