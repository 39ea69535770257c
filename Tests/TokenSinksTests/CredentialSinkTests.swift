import Foundation
import Locking
import Logging
import RotatorCore
import Testing

@testable import TokenSinks

/// A credential store in memory: closures with defaults that record an issue, so each test stubs what it uses.
final class FakeCredentialStore: CredentialStoreAPI {
    let documents = LockedValue<[String: String]>([:])
    let posted = LockedValue<[String]>([])
    let readFailure: (any Error)?

    init(_ documents: [String: String], readFailure: (any Error)? = nil) {
        self.documents.withLock { $0 = documents }
        self.readFailure = readFailure
    }

    func credentialXML(at location: CredentialLocation, as credential: JenkinsCredential?) async throws -> String {
        if let readFailure { throw readFailure }
        guard let document = documents.withLock({ $0[location.id] }) else { throw TestFailure("404 \(location)") }
        return document
    }

    func updateCredentialXML(
        _ document: Secret, at location: CredentialLocation, as credential: JenkinsCredential?
    ) async throws {
        posted.withLock { $0.append(document.reveal()) }
    }
}

@Suite("jenkins_credential sink")
struct CredentialSinkTests {
    static let value = "11" + String(repeating: "ab", count: 16)

    static let usernamePassword = """
        <?xml version='1.1' encoding='UTF-8'?>
        <com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl plugin="credentials@1415.v831096eb_5534">
          <scope>GLOBAL</scope>
          <id>ci-bot</id>
          <description>CI bot &amp; friends</description>
          <username>ci-bot</username>
          <password><secret-redacted/></password>
          <usernameSecret>false</usernameSecret>
        </com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
        """

    @Test(
        "replaces only the secret element's content, byte for byte elsewhere",
        arguments: [
            ("<password><secret-redacted/></password>", "<password>VALUE</password>"),
            ("<password>\n    <secret-redacted/>\n  </password>", "<password>VALUE</password>"),
            ("<password/>", "<password>VALUE</password>"),
            ("<password >{AQAAABAAAAAQ}</password >", "<password>VALUE</password>"),
        ])
    func replaces(element: String, expected: String) throws {
        let document = Self.usernamePassword.replacingOccurrences(
            of: "<password><secret-redacted/></password>", with: element)
        let updated = try CredentialXMLEdit.replacingSecret(
            in: document, kind: .usernamePassword, with: Secret(Self.value))
        let want = Self.usernamePassword.replacingOccurrences(
            of: "<password><secret-redacted/></password>",
            with: expected.replacingOccurrences(of: "VALUE", with: Self.value))
        #expect(updated.reveal() == want)
    }

    @Test("secret_text puts the value in <secret>, escaped for XML")
    func secretText() throws {
        let document = """
            <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
              <scope>GLOBAL</scope><id>t</id><description/><secret><secret-redacted/></secret>
            </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
            """
        let updated = try CredentialXMLEdit.replacingSecret(in: document, kind: .secretText, with: Secret("a<b&c"))
        #expect(updated.reveal().contains("<secret>a&lt;b&amp;c</secret>"))
        #expect(updated.reveal().contains("<description/>"))
    }

    @Test("text that looks like the secret element in the prolog is not the element (found by fuzzing)")
    func secretLookalikeInProlog() throws {
        // A `<secret>` opened inside the XML declaration used to match across into the document's own element.
        let document = """
            <?xml version='1.1' note='<secret>'?>
            <org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
              <id>t</id><secret><secret-redacted/></secret>
            </org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>
            """
        let updated = try CredentialXMLEdit.replacingSecret(in: document, kind: .secretText, with: Secret("new"))
        #expect(updated.reveal().hasPrefix("<?xml version='1.1' note='<secret>'?>\n"))
        #expect(updated.reveal().contains("<id>t</id><secret>new</secret>"))
        #expect(CredentialXMLEdit.rootElement(of: updated.reveal()) == CredentialKind.secretText.className)
    }

    @Test("a credential of another kind, or without exactly one secret element, is refused")
    func refuses() {
        let found = "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl"
        #expect(throws: CredentialXMLEdit.Problem.otherKind(found: found)) {
            try CredentialXMLEdit.replacingSecret(in: Self.usernamePassword, kind: .secretText, with: Secret("x"))
        }
        let twice = Self.usernamePassword.replacingOccurrences(
            of: "<usernameSecret>", with: "<password>x</password><usernameSecret>")
        #expect(throws: CredentialXMLEdit.Problem.secretElementCount(2)) {
            try CredentialXMLEdit.replacingSecret(in: twice, kind: .usernamePassword, with: Secret("x"))
        }
        let none = Self.usernamePassword.replacingOccurrences(of: "<password><secret-redacted/></password>", with: "")
        #expect(throws: CredentialXMLEdit.Problem.secretElementCount(0)) {
            try CredentialXMLEdit.replacingSecret(in: none, kind: .usernamePassword, with: Secret("x"))
        }
    }

    static func delivery(_ value: String) -> TokenDelivery {
        TokenDelivery(
            controller: "ci", controllerURL: URL(string: "http://127.0.0.1/")!, user: "alice", name: "ci",
            uuid: "u-1", oldUUID: nil, created: Date(), value: Secret(value))
    }

    static func sink(_ store: FakeCredentialStore, id: String = "ci-bot") -> JenkinsCredentialSink {
        JenkinsCredentialSink(
            controller: "agents", location: CredentialLocation(store: .system, id: id), kind: .usernamePassword,
            api: store, credential: nil, logger: Logger(label: "test"))
    }

    @Test("delivers by GET, edit and POST of the whole document; re-delivering undoes it")
    func delivers() async throws {
        let store = FakeCredentialStore(["ci-bot": Self.usernamePassword])
        let sink = Self.sink(store)
        #expect(sink.rollback == .redeliversOldValue)
        try await sink.deliver(Self.delivery(Self.value))
        let posted = store.posted.withLock { $0 }
        #expect(posted.count == 1)
        #expect(posted.first?.contains("<password>\(Self.value)</password>") == true)
        #expect(posted.first?.contains("<description>CI bot &amp; friends</description>") == true)
        #expect(!sink.description.contains(Self.value))
        #expect(sink.description == "jenkins_credential agents system _/ci-bot (username_password)")
    }

    @Test("an unknown id or a refused read is a failed delivery that names the credential and never the value")
    func failures() async throws {
        let store = FakeCredentialStore([:])
        let sink = Self.sink(store, id: "nope")
        let error = await #expect(throws: SinkError.self) { try await sink.deliver(Self.delivery(Self.value)) }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("jenkins_credential agents system _/nope"))
        #expect(text.contains("never creates"))
        #expect(!text.contains(Self.value))
        #expect(store.posted.withLock { $0 }.isEmpty)
    }

    @Test("the factory renders the id's placeholders and finds the controller's store")
    func factory() throws {
        let store = FakeCredentialStore([:])
        var factory = SinkFactory(logger: Logger(label: "test"))
        factory.credentialStores = ["agents": CredentialStoreEndpoint(api: store, credential: nil)]
        let config = SinkConfig.jenkinsCredential(
            JenkinsCredentialSinkConfig(
                controller: "agents", store: .folder(["team", "app"]), id: "{user}-jenkins-token", kind: .secretText))
        let values = PlaceholderValues(
            name: "ci", user: "alice", controller: "ci", rotationInstant: Date(), rotation: "7")
        let sink = try #require(try factory.makeSink(config, values: values) as? JenkinsCredentialSink)
        #expect(sink.location == CredentialLocation(store: .folder(["team", "app"]), id: "alice-jenkins-token"))
        factory.credentialStores = [:]
        #expect(throws: SinkError.self) { try factory.makeSink(config, values: values) }
    }

    @Test("without stores of its own, the factory takes those the command set for the work in progress")
    func taskLocalStores() async throws {
        let factory = SinkFactory(logger: Logger(label: "test"))
        let config = SinkConfig.jenkinsCredential(
            JenkinsCredentialSinkConfig(controller: "agents", id: "{user}-token", kind: .secretText))
        let values = PlaceholderValues(
            name: "ci", user: "alice", controller: "ci", rotationInstant: Date(), rotation: "7")
        #expect(throws: SinkError.self) { try factory.makeSink(config, values: values) }
        let stores = ["agents": CredentialStoreEndpoint(api: FakeCredentialStore([:]), credential: nil)]
        try await CredentialStores.$current.withValue(stores) {
            let sink = try await Task { try factory.makeSink(config, values: values) }.value
            #expect((sink as? JenkinsCredentialSink)?.location.id == "alice-token")
        }
    }
}
