import AsyncHTTPClient
import Foundation
import JenkinsSimulator
import NIOCore
import NIOHTTP1
import Testing

@Suite("Several controllers in one simulator (controllers: in the users file)")
struct MultipleControllersTests {
    static let usersFile = """
        controllers:
          - name: c1
            users:
              - { id: alice, password: alice-pass, tokens: [{ name: ci, value: 11\(String(repeating: "a1", count: 16)) }] }
          - name: c2
            users:
              - { id: alice, password: other-pass }
              - { id: bob, password: bob-pass }
        """

    static func configuration(prefix: String = "") throws -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(contextPath: prefix)
        configuration.controllers = try UsersFile.parseContents(usersFile).controllers
        return configuration
    }

    static func get(_ url: String, as user: String? = nil, _ secret: String = "") async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        if let user {
            request.headers.add(
                name: "Authorization", value: "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString())
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    @Test("each controller has its own users, tokens and counters under its own context path")
    func separateControllers() async throws {
        let simulator = try await JenkinsSimulator.start(try Self.configuration(prefix: "/jenkins"))
        do {
            #expect(simulator.controllerNames == ["c1", "c2"])
            let c1 = try #require(simulator.url(ofController: "c1")).absoluteString
            let c2 = try #require(simulator.url(ofController: "c2")).absoluteString
            #expect(c1 == "http://127.0.0.1:\(simulator.port)/jenkins/c1/")
            #expect(simulator.url(ofController: "c3") == nil)

            #expect(try await Self.get(c1 + "whoAmI/api/json", as: "alice", "alice-pass").0 == 200)
            #expect(try await Self.get(c2 + "whoAmI/api/json", as: "alice", "alice-pass").0 == 401)
            #expect(try await Self.get(c2 + "whoAmI/api/json", as: "alice", "other-pass").0 == 200)
            #expect(try await Self.get(c1 + "user/bob/api/json", as: "alice", "alice-pass").0 == 404)
            #expect(await simulator.tokens(of: "alice", onController: "c1").map(\.name) == ["ci"])
            #expect(await simulator.tokens(of: "alice", onController: "c2").isEmpty)
            #expect(await simulator.requestCount(.whoami, onController: "c1") == 1)
            #expect(await simulator.requestCount(.whoami, onController: "c2") == 2)

            // The session cookie of each is scoped to its own context path.
            var crumb = HTTPClientRequest(url: c2 + "crumbIssuer/api/json")
            crumb.headers.add(name: "Authorization", value: "Basic " + Data("bob:bob-pass".utf8).base64EncodedString())
            let answer = try await HTTPClient.shared.execute(crumb, timeout: .seconds(10))
            #expect(answer.headers.first(name: "Set-Cookie")?.contains("Path=/jenkins/c2;") == true)

            let (status, state) = try await Self.get("http://127.0.0.1:\(simulator.port)/_sim/c2/state")
            #expect(status == 200)
            #expect(state.contains("\"bob\"") && !state.contains("\"ci\""))
            #expect(try await Self.get("http://127.0.0.1:\(simulator.port)/_sim/c9/state").0 == 404)
            #expect(try await Self.get("http://127.0.0.1:\(simulator.port)/jenkins/c9/whoAmI/api/json").0 == 404)
            #expect(try await Self.get("http://127.0.0.1:\(simulator.port)/c1/whoAmI/api/json").0 == 404)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    @Test("a controllers: file is checked: names, duplicates, and no users beside it")
    func refusedFiles() {
        for (yaml, reason) in [
            ("controllers: [{ name: c1 }, { name: c1 }]", "appears twice"),
            ("controllers: [{ name: _sim }]", "one path segment"),
            ("controllers: [{ name: 'a/b' }]", "one path segment"),
            ("controllers: []", "empty"),
            ("users: [{ id: alice }]\ncontrollers: [{ name: c1 }]", "inside each controller"),
            ("controllers: [{ name: c1, users: [{ id: a }, { id: A }] }]", "controller 'c1': user 'A' appears twice"),
        ] {
            #expect(throws: SimulatorError.self, "\(yaml)") { try UsersFile.parseContents(yaml) }
            do {
                _ = try UsersFile.parseContents(yaml)
            } catch {
                #expect("\(error)".contains(reason), "\(yaml): \(error)")
            }
        }
    }
}
