import Foundation

/// Snapshot of one user for `/_sim/state`.
struct UserSnapshot: Codable, Sendable {
    var id: String
    var admin: Bool
    var read: Bool
    var tokens: [TokenSnapshot]
}

extension SimulatorState {
    func tokens(of userID: String) -> [TokenSnapshot] {
        guard let user = users[userID.lowercased()] else { return [] }
        return user.tokens.values
            .sorted { ($0.created, $0.uuid) < ($1.created, $1.uuid) }
            .map {
                TokenSnapshot(
                    name: $0.name, uuid: $0.uuid, created: $0.created, expires: $0.expires,
                    useCounter: $0.useCounter, lastUseDate: $0.lastUseDate)
            }
    }

    func credentialSnapshots() -> [CredentialSnapshot] { credentialStores.snapshots() }

    func requestCount(_ endpoint: SimulatorEndpoint) -> Int { counts[endpoint] ?? 0 }

    func requestLog() -> [RequestLogEntry] { log }

    func resetCounters() {
        counts = [:]
        log = []
    }

    func addFault(_ fault: SimulatorFault) { faults.add(fault) }

    func clearFaults() { faults.removeAll() }

    func setAdminCanGenerate(_ value: Bool) { adminCanGenerate = value }

    /// The test-only `/_sim/` API. It is plain JSON, needs no credentials, and is not Jenkins.
    func inspect(_ request: SimulatedRequest) -> SimulatedResponse {
        let route = request.segments.dropFirst().joined(separator: "/")
        switch (request.method, route) {
        case ("GET", "state"):
            let snapshot = users.values.sorted { $0.id < $1.id }.map {
                UserSnapshot(id: $0.id, admin: $0.admin, read: $0.read, tokens: tokens(of: $0.id))
            }
            return Self.encode(["users": snapshot])
        case ("GET", "credentials"):
            return Self.encode(["credentials": credentialStores.snapshots()])
        case ("GET", "requests"):
            struct Requests: Encodable {
                var counts: [String: Int]
                var log: [RequestLogEntry]
            }
            let byName = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
            return Self.encode(Requests(counts: byName, log: log))
        case ("POST", "requests/reset"):
            resetCounters()
            return Self.encode(["reset": true])
        case ("POST", "sessions/expire"):
            let expired = sessions.count
            expireAllSessions()
            return Self.encode(["expired": expired])
        case ("GET", "faults"):
            return Self.encode(["faults": faults.faults.map(\.description)])
        case ("POST", "faults"):
            return addFaults(from: request.body)
        case ("DELETE", "faults"):
            clearFaults()
            return Self.encode(["faults": [String]()])
        case ("GET", "held"):
            return Self.encode(["held": heldCount])
        case ("POST", "release"):
            let released = heldCount
            releaseHeld()
            return Self.encode(["released": released])
        default:
            return Self.encode(["error": "unknown simulator route \(request.method) /_sim/\(route)"], status: 404)
        }
    }

    /// Accepts `{"faults":["generate:drop", …]}` or `{"fault":"generate:drop"}`.
    private func addFaults(from body: [UInt8]) -> SimulatedResponse {
        struct Payload: Decodable {
            var faults: [String]?
            var fault: String?
        }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(body)) else {
            return Self.encode(["error": "expected JSON {\"faults\":[\"ENDPOINT:ACTION,…\"]}"], status: 400)
        }
        let specs = (payload.faults ?? []) + (payload.fault.map { [$0] } ?? [])
        do {
            let parsed = try specs.map(SimulatorFault.parse)
            for fault in parsed { faults.add(fault) }
            return Self.encode(["faults": faults.faults.map(\.description)])
        } catch {
            return Self.encode(["error": "\(error)"], status: 400)
        }
    }

    static func encode<Value: Encodable>(_ value: Value, status: Int = 200) -> SimulatedResponse {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return .json(body, status: status, contentType: "application/json")
    }
}
