import Foundation

extension SimulatorState {
    /// `/user/<id>/security/` (2.468+) or `/user/<id>/configure` (before): the only place tokens are listed.
    /// 2.505+ renders token cards; older versions render form rows plus the hidden "new token" template.
    func securityPage(caller: Caller, target: StoredUser, tokens showTokens: Bool) -> SimulatedResponse {
        guard canAdminister(caller, target) else {
            return pages.accessDenied(user: caller.name, permission: .administer)
        }
        let userPath = "/user/\(target.id.lowercased())"
        let revokeURL = "\(userPath)/descriptorByName/jenkins.security.ApiTokenProperty/revoke"
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
                ? cardMarkup(tokens, revokeURL: revokeURL, userPath: userPath) : rowMarkup(tokens, revokeURL: revokeURL)
            html += "</div>"
        }
        let title = version.isAtLeast(468) && showTokens ? "Security" : "Configure"
        return SimulatedResponse(
            status: 200, headers: pages.layoutHeaders,
            body: pages.layout(
                title: "\(target.id) \(title) [Jenkins]", content: "<h1>\(title)</h1>" + html))
    }

    private func cardMarkup(_ tokens: [StoredToken], revokeURL: String, userPath: String) -> String {
        var html = "<div class=\"token-list\" data-user-url=\"\(HTMLText.escape(userPath))\">"
        if tokens.isEmpty {
            html += "<div class=\"token-list__empty\">There are no registered tokens for this user.</div>"
        }
        for token in tokens {
            let name = HTMLText.escape(token.name)
            let uuid = HTMLText.escape(token.uuid)
            html += """
                <div class="token-card" id="\(uuid)"><div class="token-card__details">\
                <span class="token-name">\(name)</span>\
                <span class="token-card__created jenkins-!-color-secondary" tooltip="\(created(token))">Created \
                \(daysAgo(token.created))</span>\(usage(token))</div>\
                <div class="token-card__actions"><button class="jenkins-button jenkins-button--tertiary \
                jenkins-!-destructive-color token-revoke" type="button" data-token-uuid="\(uuid)" \
                data-token-name="\(name)" data-target-url="\(HTMLText.escape(revokeURL))" \
                data-confirm="Are you sure you want to revoke the token '\(name)'?">Revoke</button></div></div>
                """
        }
        return html + "</div><button type=\"button\" class=\"jenkins-button\" id=\"api-token-property-token-add\">"
            + "Add new Token</button>"
    }

    private func rowMarkup(_ tokens: [StoredToken], revokeURL: String) -> String {
        var html = "<div class=\"token-list\">"
        for token in tokens {
            html += """
                <div class="token-list-item token-list-existing-item"><div class="token-name-input">\
                <input type="hidden" class="token-uuid-input" name="tokenUuid" value="\(HTMLText.escape(token.uuid))">\
                <input name="tokenName" value="\(HTMLText.escape(token.name))" class="jenkins-input token-name" \
                type="text"></div><span class="token-creation">Created \(daysAgo(token.created))</span>\
                <span class="token-use-counter">\(usage(token))</span>\
                <a href="#" class="token-revoke" data-target-url="\(HTMLText.escape(revokeURL))">Revoke</a></div>
                """
        }
        // The hidden template row the page clones for "Add new Token": same classes, empty uuid.
        html += """
            <div class="token-list-item token-list-new-item" style="display:none"><div class="token-name-input">\
            <input type="hidden" class="token-uuid-input" name="tokenUuid" value="">\
            <input name="tokenName" value="" class="jenkins-input token-name" placeholder="Default name" \
            type="text"></div><span class="new-token-value"></span>\
            <a href="#" class="token-revoke" data-target-url="\(HTMLText.escape(revokeURL))">Revoke</a></div>
            """
        return html + "</div><button type=\"button\" class=\"jenkins-button\">Add new Token</button>"
    }

    private func created(_ token: StoredToken) -> String {
        HTMLText.escape(ISO8601DateFormatter().string(from: token.created))
    }

    private func daysAgo(_ date: Date) -> String {
        let days = Int(Date().timeIntervalSince(date) / 86_400)
        return days <= 0 ? "today" : days == 1 ? "1 day ago" : "\(days) days ago"
    }

    private func usage(_ token: StoredToken) -> String {
        guard token.useCounter > 0, let last = token.lastUseDate else {
            return "<span class=\"token-card__usage\">Never used</span>"
        }
        return "<span class=\"token-card__usage\">Used \(token.useCounter) time(s), last \(daysAgo(last))</span>"
    }
}
