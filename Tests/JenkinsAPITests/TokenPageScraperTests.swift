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
                ListedToken(name: "legacy", uuid: "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"),
            ])
    }

    @Test("reads token list items (up to 2.504 markup) and skips the empty template row")
    func listItems() {
        let html = """
            <div class="token-list-item token-list-existing-item">
              <input type="hidden" class="token-uuid-input" name="tokenUuid" value="aaaa-1">
              <input name="tokenName" value="first &quot;one&quot;" class="setting-input token-name">
            </div>
            <div class='token-list-item token-list-existing-item legacy-token'>
              <input type=hidden name=tokenUuid value=bbbb-2><input name="tokenName" value="second" class="token-name"/>
            </div>
            <div class="token-list-item token-list-new-item" style="display:none">
              <input type="hidden" class="token-uuid-input" name="tokenUuid" value="">
              <input name="tokenName" value="" class="token-name">
            </div>
            """
        #expect(
            TokenPageScraper.tokens(inPage: html) == [
                ListedToken(name: "first \"one\"", uuid: "aaaa-1"), ListedToken(name: "second", uuid: "bbbb-2"),
            ])
    }

    @Test("finds nothing on a page without tokens")
    func empty() {
        #expect(TokenPageScraper.tokens(inPage: "<html><body><h1>API Token</h1></body></html>").isEmpty)
    }
}
