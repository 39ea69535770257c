import Foundation

extension SimulatorState {
    /// `/user/<id>/security/` (2.468+) or `/user/<id>/configure` (before): the only place tokens are listed.
    /// The markup follows `jenkins/security/ApiTokenProperty/config.jelly` and its `config.properties`:
    /// list rows with "Created N day(s) ago" up to 2.504, cards with coarse phrases from 2.505, and cards that
    /// show the expiry (the creation date only in a tooltip) from 2.548.
    /// `tokens: false` leaves the API-token section out (pages before 2.468 that are not `configure`, and the
    /// `no-section` fault).
    func securityPage(caller: Caller, target: StoredUser, tokens showTokens: Bool) -> SimulatedResponse {
        guard canAdminister(caller, target) else {
            return pages.accessDenied(user: caller.name, permission: .administer)
        }
        let descriptorURL =
            "\(contextPath)/user/\(target.id.lowercased())/descriptorByName/"
            + "jenkins.security.ApiTokenProperty"
        let tokens = target.tokens.values.sorted { lhs, rhs in
            let left = lhs.name.lowercased()
            let right = rhs.name.lowercased()
            return left != right ? left < right : lhs.created < rhs.created
        }
        var html = ""
        if showTokens {
            html += "<div class=\"jenkins-section\"><h2 class=\"jenkins-section__title\">API Token</h2>"
            html +=
                version.isAtLeast(505)
                ? cardMarkup(tokens, descriptorURL: descriptorURL) : rowMarkup(tokens, descriptorURL: descriptorURL)
            html += "</div>"
        }
        let title = version.isAtLeast(468) && showTokens ? "Security" : "Configure"
        return SimulatedResponse(
            status: 200, headers: pages.layoutHeaders,
            body: pages.layout(
                title: "\(target.id) \(title) [Jenkins]", content: "<h1>\(title)</h1>" + html))
    }

    // MARK: 2.505 and later

    private func cardMarkup(_ tokens: [StoredToken], descriptorURL: String) -> String {
        let cardClass = version.isAtLeast(548) ? "token-card" : "token-card jenkins-card"
        // The hidden row template comes first; Jelly leaves out `id` because `token` is null there.
        let templateStats =
            version.isAtLeast(548)
            ? "<span class=\"api-token-new-expiration token-creation\" data-never=\"This token does not expire\" "
                + "data-expires-on=\"Expires on __DATA__\"></span>"
            : "<span class=\"token-creation\" tooltip=\"Just Now\">Created just now</span>"
        var html = """
            <div class="jenkins-hidden" id="api-token-row-template"><div class="\(cardClass)">\
            <div class="token-card-inner"><div class="token-card__title"><span class="token-name"></span></div>\
            <div class="token-stats">\(templateStats)<span class="token-last-used">Never used</span></div></div>\
            <div class="token-controls"></div></div></div>
            """
        html += "<div class=\"setting-main\"><div class=\"token-list ignore-dirty-panel\">"
        let empty = tokens.isEmpty ? "" : "jenkins-hidden"
        let noTokens =
            version.isAtLeast(548) ? "No API tokens configured" : "There are no registered tokens for this user."
        html += "<div class=\"token-list-empty-item \(empty) jenkins-!-margin-bottom-2\"><p>\(noTokens)</p></div>"
        html += "<div id=\"api-tokens\" class=\"\(tokens.isEmpty ? "jenkins-hidden" : "")\"><div id=\"api-token-list\">"
        for token in tokens {
            let name = HTMLText.escape(token.name)
            let uuid = HTMLText.escape(token.uuid)
            let legacy = token.legacy ? " legacy-token" : ""
            html += """
                <div class="\(cardClass)\(legacy)" id="\(uuid)"><div class="token-card-inner">\
                <div class="token-card__title\(legacy)"><span class="token-name">\(name)</span></div>\
                <div class="token-stats">\(cardCreation(token))<span class="token-last-used">\(cardUsage(token))</span>\
                </div></div><div class="token-controls"><button type="button" class="jenkins-button \
                jenkins-button--tertiary jenkins-!-destructive-color api-token-property-token-revoke" \
                data-confirm-title="Revoke token" data-button-text="Revoke" data-token-uuid="\(uuid)" \
                data-target-url="\(HTMLText.escape(descriptorURL))/revoke" tooltip="Revoke">Revoke</button></div></div>
                """
        }
        html +=
            "</div><button class=\"api-token-property-add jenkins-button jenkins-button--secondary\" type=\"button\" "
        html += "data-target-url=\"\(HTMLText.escape(descriptorURL))/generateNewToken\">Add new token</button>"
        return html + "</div></div></div>"
    }

    private func cardCreation(_ token: StoredToken) -> String {
        let createdOn = token.legacy ? "There is no creation date for that token" : mediumDate(token.created)
        guard version.isAtLeast(548) else {
            let phrase = token.legacy ? "Unknown" : Self.agoPhrase(period(since: token.created), style: .created)
            return "<span class=\"token-creation \(ageClass(token))\" tooltip=\"\(HTMLText.escape(createdOn))\">"
                + "\(phrase)</span>"
        }
        let tooltip = HTMLText.escape("Created on \(createdOn)")
        if isExpired(token) {
            return "<span class=\"error token-creation\" tooltip=\"\(tooltip)\">This token has expired</span>"
        }
        guard let expires = token.expires else {
            return "<span class=\"warning token-creation\" tooltip=\"\(tooltip)\">This token does not expire</span>"
        }
        let soon = expires < todayString(offsetDays: 7) ? "warning" : ""
        return "<span class=\"\(soon) token-creation\" tooltip=\"\(tooltip)\">Expires on \(shortDate(expires))</span>"
    }

    private func cardUsage(_ token: StoredToken) -> String {
        guard token.useCounter > 0 else {
            return "<div class=\"token-never-used \(ageClass(token))\">Never used</div>"
        }
        guard let last = token.lastUseDate else {
            return "<span tooltip=\"There is no last use date for that token\">Never used</span>"
        }
        return "<span class=\"jenkins-!-text-color-secondary\" tooltip=\"\(HTMLText.escape(mediumDate(last)))\">"
            + "\(Self.agoPhrase(period(since: last), style: .lastUsed))</span>"
            + "<span class=\"token-use-counter\">\(token.useCounter)</span>"
    }

    private func ageClass(_ token: StoredToken) -> String {
        let days = token.legacy ? 0 : daysSince(token.created)
        return days > 360
            ? "jenkins-!-error-color" : days > 180 ? "jenkins-!-warning-color" : "jenkins-!-text-color-secondary"
    }

    // MARK: Up to 2.504

    private func rowMarkup(_ tokens: [StoredToken], descriptorURL: String) -> String {
        var html = "<div class=\"setting-main\"><div class=\"token-list ignore-dirty-panel\">"
        let empty = tokens.isEmpty ? "" : "hidden-message"
        html += "<div class=\"token-list-item token-list-empty-item \(empty)\">"
        html += "<div class=\"list-empty-message\">There are no registered tokens for this user.</div></div>"
        html += "<div class=\"repeated-container\">"
        let revoke = """
            <a href="#" class="jenkins-button jenkins-button--tertiary jenkins-!-destructive-color \
            api-token-property-token-revoke" data-confirm-title="Revoke Token" \
            data-target-url="\(HTMLText.escape(descriptorURL))/revoke">Revoke</a>
            """
        for token in tokens {
            let legacy = token.legacy ? " legacy-token" : ""
            let days = daysSince(token.created)
            let age = days > 360 ? "age-argh" : days > 180 ? "age-mmmh" : "age-ok"
            let creation =
                token.legacy
                ? "<span class=\"token-creation \(age)\" title=\"There is no creation date for that token\">Unknown</span>"
                : "<span class=\"token-creation \(age)\" title=\"\(HTMLText.escape(mediumDate(token.created)))\">"
                    + "Created \(Self.grouped(days)) day(s) ago</span>"
            html += """
                <div class="repeated-chunk" name="tokenStore"><div class="token-list-item token-list-existing-item \
                force-dirty-panel\(legacy)"><input type="hidden" class="token-uuid-input" name="tokenUuid" \
                value="\(HTMLText.escape(token.uuid))"><input name="tokenName" value="\(HTMLText.escape(token.name))" \
                class="jenkins-input setting-input token-name" type="text">\
                \(creation)<span class="to-right">\(rowUsage(token))\(revoke)</span></div></div>
                """
        }
        // The hidden "new token" template of `f:repeatable`: the same classes, an empty uuid.
        html += """
            <div class="repeated-chunk" name="tokenStore" style="display:none"><div class="token-list-item \
            token-list-new-item"><input type="hidden" class="token-uuid-input" name="tokenUuid" value=""><input \
            name="tokenName" type="text" class="jenkins-input setting-input token-name" placeholder="Default name" \
            value=""><span class="new-token-value"></span><span class="token-save"><button class="jenkins-button" \
            type="button" id="api-token-property-token-save" \
            data-target-url="\(HTMLText.escape(descriptorURL))/generateNewToken">Generate</button></span></div></div>
            """
        return html + "<button type=\"button\" class=\"jenkins-button repeatable-add\">Add new Token</button>"
            + "</div></div></div>"
    }

    private func rowUsage(_ token: StoredToken) -> String {
        guard token.useCounter > 0 else {
            return "<span class=\"token-use-counter\"><strong title=\"We strongly recommend that you revoke tokens "
                + "which you do not plan to use\">Never used</strong></span>"
        }
        guard let last = token.lastUseDate else {
            return "<span class=\"token-use-counter\" title=\"There is no last use date for that token\">"
                + "Never used</span>"
        }
        return "<span class=\"token-use-counter\" title=\"\(HTMLText.escape(mediumDate(last)))\">Used <b>"
            + "\(Self.grouped(token.useCounter))</b> time(s), last time was <b>\(Self.grouped(daysSince(last)))"
            + "</b> day(s) ago</span>"
    }

    // MARK: Dates and phrases

    /// Whole days between the day of `date` and today, in the controller's zone (`Util#daysBetween`).
    func daysSince(_ date: Date) -> Int {
        let from = calendar.startOfDay(for: date)
        let to = calendar.startOfDay(for: Date())
        return calendar.dateComponents([.day], from: from, to: to).day ?? 0
    }

    /// `Period.between(day of date, today)`.
    private func period(since date: Date) -> DateComponents {
        calendar.dateComponents(
            [.year, .month, .day], from: calendar.startOfDay(for: date), to: calendar.startOfDay(for: Date()))
    }

    enum PhraseStyle {
        case created
        case lastUsed
    }

    /// `TokenInfoAndStats#createdDaysAgo` / `#lastUsedDaysAgo` with the English `Messages.properties`.
    static func agoPhrase(_ period: DateComponents, style: PhraseStyle) -> String {
        let years = period.year ?? 0
        let months = period.month ?? 0
        let days = period.day ?? 0
        let created = style == .created
        let over = created ? "" : "over "
        let lead = created ? "Created" : "Last used"
        if years > 1 { return "\(lead) \(over)\(years) years ago" }
        if years == 1 { return "\(lead) over a year ago" }
        if months > 1 { return "\(lead) \(over)\(months) months ago" }
        if months == 1 { return "\(lead) over a month ago" }
        if days > 14 { return "\(lead) \(over)\(days / 7) weeks ago" }
        if days >= 7 { return "\(lead) over a week ago" }
        if days == 0 { return "\(lead) today" }
        if days == 1 { return "\(lead) yesterday" }
        return "\(lead) \(days) days ago"
    }

    /// `MessageFormat`'s `{0}` for a number: thousands separators (en-US).
    static func grouped(_ number: Int) -> String {
        let digits = String(number)
        guard digits.count > 3 else { return digits }
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return out
    }

    /// `i:formatDate type="both" dateStyle="medium" timeStyle="medium"` for en-US, e.g. `Jan 5, 2026, 3:04:05 PM`
    /// (JDK 20 and later put a narrow no-break space before AM/PM; the old rows' era used a plain space).
    func mediumDate(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let hour24 = parts.hour ?? 0
        let hour = hour24 % 12 == 0 ? 12 : hour24 % 12
        let space = version.isAtLeast(505) ? "\u{202F}" : " "
        return "\(months[((parts.month ?? 1) - 1) % 12]) \(parts.day ?? 1), \(parts.year ?? 1970), "
            + String(format: "%d:%02d:%02d", hour, parts.minute ?? 0, parts.second ?? 0)
            + space + (hour24 < 12 ? "AM" : "PM")
    }
}
