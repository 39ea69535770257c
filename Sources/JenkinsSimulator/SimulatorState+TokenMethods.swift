import Foundation

extension SimulatorState {
    /// The web methods of `ApiTokenProperty.DescriptorImpl` (`jenkins-api.md` §4–§6).
    func tokenMethod(
        _ endpoint: SimulatorEndpoint, _ request: SimulatedRequest, caller: Caller, target: StoredUser,
        revokeNoop: Bool
    ) -> SimulatedResponse {
        if [.revokeAll, .revokeAllExcept, .addFixedToken].contains(endpoint) && !version.isAtLeast(260) {
            return pages.notFound()
        }
        guard request.method == "POST" else { return pages.requirePOST() }
        switch endpoint {
        case .generate: return generate(request, caller: caller, target: target, fixedValue: nil)
        case .addFixedToken:
            return generate(
                request, caller: caller, target: target,
                fixedValue: request.parameter("newTokenPlainValue") ?? "")
        case .revoke: return revoke(request, caller: caller, target: target, noop: revokeNoop)
        case .revokeAll:
            guard canAdminister(caller, target) else {
                return pages.accessDenied(user: caller.name, permission: .administer)
            }
            users[target.id.lowercased()]?.removeAll()
            return .empty(200)
        case .revokeAllExcept:
            guard canAdminister(caller, target) else {
                return pages.accessDenied(user: caller.name, permission: .administer)
            }
            guard let keep = nonBlank(request.parameter("tokenUuid")) else { return emptyUUID(request) }
            users[target.id.lowercased()]?.removeAll(except: keep)
            return .empty(200)
        case .rename: return rename(request, caller: caller, target: target)
        default: return pages.notFound()
        }
    }

    private func generate(
        _ request: SimulatedRequest, caller: Caller, target: StoredUser, fixedValue: String?
    ) -> SimulatedResponse {
        let allowed = isSelf(caller, target) || (adminCanGenerate && isAdmin(caller))
        // `HttpResponses.forbidden()`: a bare 403, no page, no diagnostic headers.
        guard allowed else { return .empty(403) }
        if let fixedValue, !TokenCrypto.isWellFormedTokenValue(fixedValue) { return pages.oops() }
        let name = nonBlank(request.parameter("newTokenName")) ?? "Token created on \(isoOffsetNow())"
        var expires: String?
        if expiryEnabled {
            switch expiration(from: request) {
            case .never: expires = nil
            case .day(let day): expires = day
            case .inThePast:
                return .json(
                    #"{"status":"error","message":"Expiration date is in the past."}"#,
                    contentType: JenkinsPages.okJSONType)
            case .malformed: return pages.oops()
            }
        }
        let value = fixedValue?.lowercased() ?? TokenCrypto.newTokenValue()
        let uuid = TokenCrypto.newUUID()
        users[target.id.lowercased()]?.add(
            StoredToken(
                name: name, uuid: uuid, digest: TokenCrypto.tokenDigest(value), created: Date(), expires: expires))
        var data: [(String, String)] = []
        if expiryEnabled && fixedValue == nil {
            let aboutToExpire = expires.map { $0 < todayString(offsetDays: 7) } ?? false
            data.append(("aboutToExpire", aboutToExpire ? "true" : "false"))
        }
        data += [("tokenName", JSONText.string(name)), ("tokenUuid", JSONText.string(uuid))]
        if fixedValue == nil {
            data.append(("tokenValue", JSONText.string(value)))
            if expiryEnabled { data.append(("expirationDate", JSONText.string(expires.map(shortDate) ?? "never"))) }
        }
        let body = JSONText.object([("status", JSONText.string("ok")), ("data", JSONText.object(data))])
        return .json(body, contentType: JenkinsPages.okJSONType)
    }

    private func revoke(_ request: SimulatedRequest, caller: Caller, target: StoredUser, noop: Bool)
        -> SimulatedResponse
    {
        guard canAdminister(caller, target) else {
            return pages.accessDenied(user: caller.name, permission: .administer)
        }
        guard let uuid = nonBlank(request.parameter("tokenUuid")) else { return emptyUUID(request) }
        if !noop { users[target.id.lowercased()]?.remove(uuid: uuid) }
        // `HttpResponses.ok()`: status only, whether or not the uuid existed.
        return .empty(200)
    }

    private func rename(_ request: SimulatedRequest, caller: Caller, target: StoredUser) -> SimulatedResponse {
        guard canAdminister(caller, target) else {
            return pages.accessDenied(user: caller.name, permission: .administer)
        }
        func error(_ message: String) -> SimulatedResponse {
            .json(
                JSONText.object([("status", "\"error\""), ("message", JSONText.string(message))]),
                contentType: JenkinsPages.okJSONType)
        }
        guard let newName = nonBlank(request.parameter("newName")) else { return error("The name cannot be empty") }
        guard let uuid = nonBlank(request.parameter("tokenUuid")) else {
            return version.isAtLeast(505) ? error("The tokenUuid cannot be empty") : emptyUUID(request)
        }
        guard users[target.id.lowercased()]?.rename(uuid: uuid, to: newName) == true else {
            return error("No token found, try refreshing the page")
        }
        return version.isAtLeast(505) ? .json(#"{"status":"ok"}"#, contentType: JenkinsPages.okJSONType) : .empty(200)
    }

    private func emptyUUID(_ request: SimulatedRequest) -> SimulatedResponse {
        pages.containerError(status: 400, message: "The tokenUuid cannot be empty", uri: request.path)
    }

    /// `StringUtils.isBlank` semantics: nil, empty and whitespace-only are all blank.
    func nonBlank(_ value: String?) -> String? {
        guard let value, !value.allSatisfy(\.isWhitespace) else { return nil }
        return value
    }

    private enum Expiration {
        case never
        case day(String)
        case inThePast
        case malformed
    }

    /// `expirationDuration` / `tokenExpiration` (2.548+): never, N days from today, or a custom date.
    private func expiration(from request: SimulatedRequest) -> Expiration {
        let duration = (request.parameter("expirationDuration") ?? "").trimmingCharacters(in: .whitespaces)
        let day: String
        switch duration {
        case "", "never": return .never
        case "custom":
            guard let text = request.parameter("tokenExpiration"), let parsed = Self.isoDay(text) else {
                return .malformed
            }
            day = parsed
        default:
            guard let days = Int(duration) else { return .malformed }
            day = todayString(offsetDays: days)
        }
        return day < todayString() ? .inThePast : .day(day)
    }

    /// Validates a strict ISO `yyyy-MM-dd` date, as `LocalDate.parse` does.
    static func isoDay(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1] ? text : nil
    }

    /// `FormatStyle.SHORT` for en-US: `M/d/yy`.
    func shortDate(_ day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        return "\(parts[1])/\(parts[2])/\(String(format: "%02d", parts[0] % 100))"
    }

    /// `ISO_OFFSET_DATE_TIME` of now in the configured zone, e.g. `2026-08-21T18:01:25.123456-06:00`.
    func isoOffsetNow() -> String {
        let now = Date()
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: now)
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        let micros = (parts.nanosecond ?? 0) / 1000
        if micros > 0 {
            var fraction = String(format: "%06d", micros)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        let offset = calendar.timeZone.secondsFromGMT(for: now)
        if offset == 0 {
            text += "Z"
        } else {
            let sign = offset < 0 ? "-" : "+"
            text += String(format: "%@%02d:%02d", sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
        }
        return text
    }
}
