import Foundation
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("Security page scraping")
struct TokenPageScraperTests {
    @Test("reads token cards (2.505+ markup) and decodes entities in names")
    func cards() {
        let html = """
            <html><body><div class="token-list">
            <div class="token-card" id="c510e26c-b2e8-4021-bf79-81d1e4c112af">
              <div class="token-card__header"><span class="token-name">ci &amp; deploy</span></div>
              <button data-token-uuid="c510e26c-b2e8-4021-bf79-81d1e4c112af" data-target-url="/revoke">Revoke</button>
            </div>
            <div class="token-card legacy-token" id="0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10">
              <span class="token-name">legacy</span></div>
            <script>var x = '<div class="token-card" id="fake">';</script>
            </div></body></html>
            """
        #expect(
            TokenPageScraper.tokens(inPage: html) == [
                ListedToken(name: "ci & deploy", uuid: "c510e26c-b2e8-4021-bf79-81d1e4c112af"),
                ListedToken(name: "legacy", uuid: "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", legacy: true),
            ])
    }

    @Test("reads token list items (up to 2.504 markup) and skips the empty template row")
    func listItems() {
        let html = """
            <div class="token-list"><div class="token-list-item token-list-existing-item">
              <input type="hidden" class="token-uuid-input" name="tokenUuid" value="aaaa-1">
              <input name="tokenName" value="first &quot;one&quot;" class="setting-input token-name">
            </div>
            <div class='token-list-item token-list-existing-item legacy-token'>
              <input type=hidden name=tokenUuid value=bbbb-2><input name="tokenName" value="second" class="token-name"/>
            </div>
            <div class="token-list-item token-list-new-item" style="display:none">
              <input type="hidden" class="token-uuid-input" name="tokenUuid" value="">
              <input name="tokenName" value="" class="token-name">
            </div></div>
            """
        #expect(
            TokenPageScraper.tokens(inPage: html) == [
                ListedToken(name: "first \"one\"", uuid: "aaaa-1"),
                ListedToken(name: "second", uuid: "bbbb-2", legacy: true),
            ])
    }

    @Test("finds nothing on a page without tokens")
    func empty() {
        #expect(TokenPageScraper.tokens(inPage: "<html><body><h1>API Token</h1></body></html>").isEmpty)
    }

    @Test(
        "a page without the API-token section is no evidence, even when it mentions tokens",
        arguments: [
            "<html><body><h1>Security</h1><p>Your session token expired. Sign in again.</p></body></html>",
            "<html><body><h1>API Token</h1><div class=\"token-list-item\">proxy</div></body></html>",
        ])
    func noSection(html: String) {
        #expect(TokenPageScraper.page(html) == nil)
    }

    @Test("an empty token list inside the section is evidence of no tokens, in both markups")
    func emptySection() {
        let cards = #"<div class="token-list ignore-dirty-panel"><div id="api-token-list"></div></div>"#
        #expect(TokenPageScraper.page(cards)?.tokens == [])
        let rows = """
            <div class="token-list ignore-dirty-panel"><div class="token-list-item token-list-empty-item">
            <div class="list-empty-message">There are no registered tokens for this user.</div></div></div>
            """
        #expect(TokenPageScraper.page(rows)?.tokens == [])
    }

    @Test("reads creation and usage from the rows of 2.504 and earlier")
    func rowUsage() throws {
        let html = """
            <div class="token-list ignore-dirty-panel">
            <div class="token-list-item token-list-existing-item force-dirty-panel">
              <input type="hidden" class="token-uuid-input" name="tokenUuid" value="u-1">
              <input name="tokenName" value="busy" class="jenkins-input token-name" type="text">
              <span class="token-creation age-ok" title="Jan 5, 2026, 3:04:05 PM">Created 1,204 day(s) ago</span>
              <span class="to-right"><span class="token-use-counter" title="Feb 1, 2026, 1:00:00 AM">
                Used <b>1,234</b> time(s), last time was <b>2</b> day(s) ago</span></span>
            </div>
            <div class="token-list-item token-list-existing-item legacy-token">
              <input type="hidden" class="token-uuid-input" name="tokenUuid" value="u-2">
              <input name="tokenName" value="old" class="token-name" type="text">
              <span class="token-creation age-ok" title="There is no creation date for that token">Unknown</span>
              <span class="token-use-counter"><strong title="We strongly recommend">Never used</strong></span>
            </div></div>
            """
        let tokens = try #require(TokenPageScraper.page(html)?.tokens)
        #expect(tokens.count == 2)
        #expect(tokens[0].useCount == 1_234)
        #expect(tokens[0].lastUsedDaysAgo == 2)
        #expect(tokens[0].createdDaysAgo == 1_204)
        #expect(tokens[0].createdDaysExact)
        #expect(!tokens[0].legacy)
        #expect(tokens[1].legacy)
        #expect(tokens[1].createdDaysAgo == nil)
        #expect(tokens[1].useCount == 0)
        #expect(tokens[1].lastUsedDaysAgo == nil)
    }

    @Test(
        "reads the coarse phrases of 2.505 to 2.547: exact up to two weeks, a lower bound after",
        arguments: [
            ("Created today", 0, true), ("Created yesterday", 1, true), ("Created 9 days ago", 9, true),
            ("Created over a week ago", 7, false), ("Created 3 weeks ago", 21, false),
            ("Created over a month ago", 30, false), ("Created 10 months ago", 300, false),
            ("Created over a year ago", 365, false), ("Created 2 years ago", 730, false),
        ])
    func cardPhrases(phrase: String, days: Int, exact: Bool) throws {
        let html = """
            <div class="token-list ignore-dirty-panel"><div id="api-token-list">
            <div class="token-card jenkins-card" id="u-1"><div class="token-card__title"><span class="token-name">n</span>
            </div><div class="token-stats"><span class="token-creation x" tooltip="not a date">\(phrase)</span>
            <span class="token-last-used"><span class="a" tooltip="?">Last used over 3 weeks ago</span>
            <span class="token-use-counter">1234</span></span></div></div></div></div>
            """
        let token = try #require(TokenPageScraper.page(html)?.tokens.first)
        #expect(token.createdDaysAgo == days)
        #expect(token.createdDaysExact == exact)
        #expect(token.useCount == 1_234)
        #expect(token.lastUsedDaysAgo == 21)
    }

    @Test("on 2.548 and later, the creation day comes from the tooltip; a never-used card counts 0")
    func expiryCards() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-29T20:00:00Z"))
        let html = """
            <div class="token-list ignore-dirty-panel"><div id="api-token-list">
            <div class="token-card" id="u-1"><span class="token-name">n</span><div class="token-stats">
            <span class="warning token-creation" tooltip="Created on Nov 19, 2026, 12:00:00\u{202F}PM">This token does \
            not expire</span><span class="token-last-used"><div class="token-never-used x">Never used</div></span>
            </div></div></div></div>
            """
        let token = try #require(TokenPageScraper.page(html, now: now)?.tokens.first)
        #expect(token.createdDaysAgo == 10)
        #expect(token.createdDaysExact)
        #expect(token.useCount == 0)
        #expect(token.lastUsedDaysAgo == nil)
    }
}
