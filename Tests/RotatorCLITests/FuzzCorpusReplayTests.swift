import Foundation
import Testing

@testable import JenkinsAPI
@testable import RotatorCore
@testable import TokenSinks

/// Every input of the committed fuzz corpora (`Fuzz/<Target>/corpus`, regression inputs included) replayed through
/// the code its libFuzzer target exercises, with the target's checks, in the everyday suite: CI replays the corpora
/// without building with `-sanitize=fuzzer` (scripts/fuzz.sh TARGET 0 does the same under the fuzzer and
/// AddressSanitizer). The cookie target's corpus is replayed in `CookieJarTests`, beside the checks it shares.
@Suite("Fuzz corpora replayed")
struct FuzzCorpusReplayTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func corpus(_ target: String) throws -> [(name: String, data: Data)] {
        let folder = fuzzFolder.appendingPathComponent(target).appendingPathComponent("corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    static let targets = [
        "PolicyFuzz", "ImportFuzz", "ScraperFuzz", "WireFuzz", "DurationFuzz", "CredentialXMLFuzz", "CookieFuzz",
    ]

    @Test("every fuzz target has a corpus", arguments: targets)
    func hasCorpus(target: String) throws {
        #expect(try !Self.corpus(target).isEmpty)
    }

    @Test("policy loader: a policy or a PolicyError naming the file")
    func policy() throws {
        for (name, data) in try Self.corpus("PolicyFuzz") {
            do {
                _ = try PolicyLoader.parse(String(decoding: data, as: UTF8.self), source: "fuzz.yml")
            } catch let error as PolicyError {
                #expect(error.file == "fuzz.yml", "\(name)")
            }
        }
    }

    @Test("import: tokens or an InventoryImportError")
    func imports() throws {
        for (name, data) in try Self.corpus("ImportFuzz") {
            do {
                _ = try InventoryImport.parse(String(decoding: data, as: UTF8.self), fileName: "fuzz.csv")
            } catch {
                #expect(error is InventoryImportError, "\(name): \(type(of: error))")
            }
        }
    }

    @Test("security-page scraper: uuids that came from the page")
    func scraper() throws {
        for (name, data) in try Self.corpus("ScraperFuzz") {
            let page = String(decoding: data, as: UTF8.self)
            for token in TokenPageScraper.tokens(inPage: page) {
                #expect(token.uuid.utf8.count <= page.utf8.count, "\(name)")
            }
            _ = HTMLTokenizer.decodeEntities(page)
        }
    }

    @Test("wire formats decode or fail; URL encoding lets no reserved or non-ASCII byte through")
    func wire() throws {
        for (name, data) in try Self.corpus("WireFuzz") {
            let decoder = JSONDecoder()
            _ = try? decoder.decode(CrumbResponse.self, from: data)
            _ = try? decoder.decode(WhoAmIResponse.self, from: data)
            _ = try? decoder.decode(GenerateTokenResponse.self, from: data)
            let text = String(decoding: data, as: UTF8.self)
            for encoded in [URLEncoding.pathSegment(text), URLEncoding.escape(text), URLEncoding.form([(text, text)])] {
                #expect(!encoded.contains("/") && !encoded.contains("?") && !encoded.contains("#"), "\(name)")
                #expect(encoded.utf8.allSatisfy { $0 < 0x80 }, "\(name)")
            }
        }
    }

    @Test("durations, instants and Retry-After parse or say no, within range")
    func durations() throws {
        for (name, data) in try Self.corpus("DurationFuzz") {
            let text = String(decoding: data, as: UTF8.self)
            if let span = TimeSpan(parsing: text) { #expect(span.seconds >= 0, "\(name)") }
            _ = Timestamp.parse(text)
            if let delay = RetryAfter.delay(text, now: Date(timeIntervalSince1970: 1_790_000_000)) {
                #expect(delay >= .zero && delay <= .seconds(86_400), "\(name)")
            }
        }
    }

    @Test("credential XML rewrite keeps the root and puts exactly the escaped value in the secret element")
    func credentialXML() throws {
        for (name, data) in try Self.corpus("CredentialXMLFuzz") {
            let document = String(decoding: data, as: UTF8.self)
            for kind in CredentialKind.allCases {
                guard
                    let edited = try? CredentialXMLEdit.replacingSecret(in: document, kind: kind, with: Secret("n<&>v"))
                else { continue }
                let text = edited.reveal()
                #expect(
                    CredentialXMLEdit.rootElement(of: text) == CredentialXMLEdit.rootElement(of: document), "\(name)")
                #expect(text.contains("<\(kind.secretElement)>n&lt;&amp;&gt;v</\(kind.secretElement)>"), "\(name)")
            }
        }
    }
}
