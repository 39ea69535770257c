import Foundation
import InventoryStore
import RotatorCore

/// `rotator-bench journal`: the inventory writes of N successful rotations, one after another, exactly as the
/// engine makes them (a journal row born at `generating`, then `minted`, `delivered`, `verified`, and the final
/// transaction that adds the successor and revokes the old token), each with its event. Isolates the cost of the
/// durable journal from HTTP and sinks: CPU and wall time per rotation.
enum JournalBenchmark {
    static func run(arguments: [String]) -> Int32 {
        var rotations = 2000
        var folder = FileManager.default.currentDirectoryPath
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch (argument, rest.popFirst()) {
            case ("--rotations", let value?) where Int(value).map { $0 > 0 } == true: rotations = Int(value)!
            case ("--dir", let value?): folder = value
            default:
                FileHandle.standardError.write(Data("usage: rotator-bench journal [--rotations N] [--dir DIR]\n".utf8))
                return 2
            }
        }
        let path = folder + "/journal-bench-\(getpid()).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        do {
            let inventory = try Inventory.open(path: path)
            let created = Date(timeIntervalSinceNow: -120 * 86_400)
            let tokens = (0..<rotations).map { index in
                InventoryToken(
                    controller: "c\(index % 2)", user: "user\(index % 20)", name: "token\(index)",
                    uuid: UUID().uuidString.lowercased(), created: created, fingerprint: "0123456789ab")
            }
            for token in tokens { try inventory.add(token, addedAt: created, events: []) }
            let runID = try inventory.startRun(RunEntry(started: Date(), mode: "rotate"), asOf: nil, events: [])

            let cpuBefore = cpuSeconds()
            let started = ContinuousClock.now
            for token in tokens { try rotate(token, runID: runID, in: inventory) }
            let elapsed = ContinuousClock.now - started
            let cpu = cpuSeconds() - cpuBefore
            let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "journal bench: \(rotations) rotations (5 commits each) in \(path): "
                    + String(format: "wall %.3f s (%.0f us per rotation), ", wall, wall / Double(rotations) * 1e6)
                    + String(format: "CPU %.3f s (%.0f us per rotation)", cpu, cpu / Double(rotations) * 1e6))
            try inventory.close()
            return 0
        } catch {
            FileHandle.standardError.write(Data("rotator-bench journal failed: \(error)\n".utf8))
            return 1
        }
    }

    /// The five durable commits of one successful rotation, with the engine's events.
    static func rotate(_ token: InventoryToken, runID: Int64, in inventory: Inventory) throws {
        let now = Date()
        var rotation = JournalEntry(
            runID: runID, controller: token.controller, user: token.user, name: token.name, oldUUID: token.uuid,
            newName: token.name, step: .generating, started: now)
        func event(_ message: String) -> InventoryEvent {
            InventoryEvent(
                at: Date(), runID: runID, rotationID: rotation.id, controller: token.controller, user: token.user,
                name: token.name, uuid: token.uuid, kind: "rotation.\(rotation.step.rawValue)", message: message)
        }
        rotation.id = try inventory.insertRotation(rotation, events: [event("generating a new token")])
        rotation.step = .minted
        rotation.newUUID = UUID().uuidString.lowercased()
        rotation.newFingerprint = "ba9876543210"
        try inventory.saveRotation(rotation, at: Date(), events: [event("minted")])
        rotation.step = .delivered
        try inventory.saveRotation(rotation, at: Date(), events: [event("delivered to 1 sink(s)")])
        rotation.step = .verified
        try inventory.saveRotation(rotation, at: Date(), events: [event("verified")])
        rotation.step = .done
        let successor = InventoryToken(
            controller: token.controller, user: token.user, name: token.name, uuid: rotation.newUUID!, created: now,
            fingerprint: rotation.newFingerprint, lastRotated: now)
        try inventory.recordRotated(
            oldUUID: token.uuid, successor: successor, oldState: .revoked(at: Date()), rotatedAt: Date(),
            completing: rotation.id, events: [event("rotated; old token revoked")])
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
