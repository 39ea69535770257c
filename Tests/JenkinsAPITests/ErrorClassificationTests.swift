import Foundation
import JenkinsSimulator
import NIOCore
import NIOHTTP1
import RotatorCore
import Testing

@testable import JenkinsAPI

@Suite("Errors a Jenkins admin can act on")
struct ErrorClassificationTests {
    static let wrongToken = JenkinsCredential(
        user: "alice", secret: Secret("11" + String(repeating: "00", count: 16)), kind: .apiToken)

    @Test("401: bad credentials stop the controller and read as unauthorized")
    func badCredentials() async throws {
        try await Harness.run { jenkins in
            let whoAmI = await expectJenkinsError { _ = try await jenkins.client.whoAmI(Self.wrongToken) }
            #expect(whoAmI?.isUnauthorized == true)
            let generate = await expectJenkinsError {
                _ = try await jenkins.client.generateToken(
                    forUser: "alice", name: "x", expirationDays: nil, as: Self.wrongToken)
            }
            guard case .badCredentials(let site) = generate else {
                Issue.record("expected badCredentials, got \(String(describing: generate))")
                return
            }
            #expect(generate?.stopsController == true)
            #expect(generate?.responseMayBeLost == false)
            #expect(site.controller == "sim")
            #expect(
                site.url.hasSuffix("/user/alice/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken"))
            #expect(generate?.description.contains("HTTP 401") == true)
            #expect(generate?.description.contains(jenkins.simulator.baseURL.absoluteString) == true)
        }
    }

    @Test("403 without Overall/Read names the missing permission")
    func missingOverallRead() async throws {
        try await Harness.run { jenkins in
            let error = await expectJenkinsError { _ = try await jenkins.client.listTokens(user: "bob", as: Seed.bob) }
            guard case .missingOverallRead = error else {
                Issue.record("expected missingOverallRead, got \(String(describing: error))")
                return
            }
            #expect(error?.stopsController == true)
            #expect(error?.description.contains("Overall/Read") == true)
            // The crumb issuer also needs Overall/Read: a password POST fails the same way.
            let post = await expectJenkinsError {
                try await jenkins.client.revokeToken(user: "bob", uuid: "x", as: Seed.bob)
            }
            guard case .missingOverallRead = post else {
                Issue.record("expected missingOverallRead, got \(String(describing: post))")
                return
            }
        }
    }

    @Test("403 on revoking another user's token without Overall/Administer")
    func missingAdminister() async throws {
        try await Harness.run { jenkins in
            let error = await expectJenkinsError {
                try await jenkins.client.revokeToken(user: "rotation-admin", uuid: Seed.adminTokenUUID, as: Seed.alice)
            }
            guard case .missingAdminister(_, let target) = error else {
                Issue.record("expected missingAdminister, got \(String(describing: error))")
                return
            }
            #expect(target == "rotation-admin")
            #expect(error?.stopsController == true)
            #expect(error?.description.contains("hudson.model.Hudson.Administer") == true)
            #expect(await jenkins.simulator.tokens(of: "rotation-admin").contains { $0.uuid == Seed.adminTokenUUID })
        }
    }

    @Test("empty 403 on generate for another user says how to enable it, with either auth")
    func adminCannotMintForOthers() async throws {
        try await Harness.run { jenkins in
            for credential in [Seed.admin, Seed.adminPasswordCredential] {
                let error = await expectJenkinsError {
                    _ = try await jenkins.client.generateToken(
                        forUser: "alice", name: "x", expirationDays: nil, as: credential)
                }
                guard case .mintingForOtherUserForbidden(_, let target) = error else {
                    Issue.record("expected mintingForOtherUserForbidden, got \(String(describing: error))")
                    continue
                }
                #expect(target == "alice")
                #expect(error?.stopsController == true)
                #expect(error?.responseMayBeLost == false)
                let text = error?.description ?? ""
                #expect(text.contains("-Djenkins.security.ApiTokenProperty.adminCanGenerateNewTokens=true"))
                #expect(text.contains("mode: self"))
            }
            #expect(await jenkins.simulator.tokens(of: "alice").count == 2)
        }
    }

    @Test("404 for an unknown user")
    func unknownUser() async throws {
        try await Harness.run { jenkins in
            let error = await expectJenkinsError {
                _ = try await jenkins.client.generateToken(
                    forUser: "nobody", name: "x", expirationDays: nil, as: Seed.admin)
            }
            guard case .unknownUser(_, let target) = error else {
                Issue.record("expected unknownUser, got \(String(describing: error))")
                return
            }
            #expect(target == "nobody")
            #expect(error?.stopsController == false)
        }
    }

    @Test("an anonymous call to a protected page reads as 'login required'")
    func anonymous() async throws {
        try await Harness.run { jenkins in
            let error = await expectJenkinsError { _ = try await jenkins.client.fetchCrumb(as: nil, session: nil) }
            guard case .loginRequired = error else {
                Issue.record("expected loginRequired, got \(String(describing: error))")
                return
            }
            #expect(error?.stopsController == true)
        }
    }

    @Test("status error inside a 200 is a failure with Jenkins' message")
    func statusErrorIn200() async throws {
        try await Harness.run { jenkins in
            let error = await expectJenkinsError {
                _ = try await jenkins.client.generateToken(
                    forUser: "alice", name: "past", expirationDays: -1, as: Seed.alice)
            }
            guard case .jenkinsReportedError(_, let message) = error else {
                Issue.record("expected jenkinsReportedError, got \(String(describing: error))")
                return
            }
            #expect(message.contains("past"))
            #expect(error?.responseMayBeLost == false)
        }
    }

    @Test("a 200 that is not the expected JSON is a malformed response; for a generate the token may exist")
    func malformedBodies() async throws {
        try await Harness.run { jenkins in
            try await jenkins.simulator.addFault("whoami:status=200,count=1")
            let whoAmI = await expectJenkinsError { _ = try await jenkins.client.whoAmI(Seed.alice) }
            guard case .malformedResponse(_, _, let detail, false) = whoAmI else {
                Issue.record("expected malformedResponse, got \(String(describing: whoAmI))")
                return
            }
            #expect(detail == "an empty body")
            try await jenkins.simulator.addFault("generate:status=200,count=1")
            let generate = await expectJenkinsError {
                _ = try await jenkins.client.generateToken(
                    forUser: "alice", name: "x", expirationDays: nil, as: Seed.alice)
            }
            #expect(generate?.responseMayBeLost == true)
            #expect(await jenkins.simulator.requestCount(.generate) == 1)
        }
    }

    @Test("an HTML page where JSON was expected is described by its title")
    func htmlDescribed() throws {
        let site = RequestSite(controller: "c", method: "GET", url: "https://proxy/whoAmI/api/json", user: "alice")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/html")
        let page = JenkinsResponse(
            status: 200, headers: headers,
            body: ByteBuffer(string: "<html><head><title>Sign in - Corp SSO</title></head><body>…</body></html>"),
            site: site)
        #expect(
            throws: JenkinsClientError.malformedResponse(
                site, expected: "whoAmI's JSON", detail: "an HTML page (text/html, title 'Sign in - Corp SSO')",
                responseMayBeLost: false)
        ) {
            _ = try ResponseClassifier.decodeJSON(WhoAmIResponse.self, from: page, expected: "whoAmI's JSON")
        }
    }

    @Test("connection refused is retryable, retried with backoff, and never claims a lost response")
    func connectionRefused() async throws {
        try await Harness.run { jenkins in
            let dead = try await JenkinsSimulator.start(Harness.configuration())
            let deadURL = dead.baseURL
            await dead.stop()
            let client = jenkins.makeClient(baseURL: deadURL)
            let error = await expectJenkinsError { _ = try await client.whoAmI(Seed.alice) }
            guard case .connectionRefused = error else {
                Issue.record("expected connectionRefused, got \(String(describing: error))")
                return
            }
            #expect(error?.isRetryable == true)
            #expect(error?.stopsController == false)
            #expect(jenkins.sleeps.sleeps == [.milliseconds(100), .milliseconds(200)])
            let generate = await expectJenkinsError {
                _ = try await client.generateToken(forUser: "alice", name: "x", expirationDays: nil, as: Seed.alice)
            }
            #expect(generate?.responseMayBeLost == false)
            #expect(jenkins.sleeps.sleeps.count == 2)  // a generate is never retried
        }
    }
}
