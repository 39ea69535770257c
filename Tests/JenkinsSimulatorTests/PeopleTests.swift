import Foundation
import JenkinsSimulator
import NIOHTTP1
import Testing

@Suite("The people API (/asynchPeople/api/json)")
struct PeopleTests {
    static func ids(_ reply: Reply) -> [String] {
        let users = reply.json["users"] as? [[String: Any]] ?? []
        return users.compactMap { ($0["user"] as? [String: Any])?["id"] as? String }
    }

    @Test("tree=users[user[id]] lists every user id, under View$AsynchPeople$People")
    func withTree() async throws {
        try await Harness.with { (sim: Harness) async throws in
            let reply = try await sim.send(
                .GET, "asynchPeople/api/json?tree=users%5Buser%5Bid%5D%5D", as: Harness.admin)
            #expect(reply.status == 200)
            #expect(reply.json["_class"] as? String == "hudson.model.View$AsynchPeople$People")
            #expect(Self.ids(reply) == ["admin", "alice", "bob", "reader-less"])
        }
    }

    @Test("without tree= a user carries no id; people/api/json answers the same")
    func withoutTree() async throws {
        try await Harness.with { (sim: Harness) async throws in
            let reply = try await sim.send(.GET, "asynchPeople/api/json", as: Harness.alice)
            #expect(reply.status == 200)
            #expect(Self.ids(reply).isEmpty)
            #expect(reply.body.contains("\"fullName\":\"alice\""))
            #expect(try await sim.send(.GET, "people/api/json?tree=users[user[id]]", as: Harness.bob).status == 200)
        }
    }

    @Test("from 2.452 it needs the People View plugin; before, core serves it", arguments: ["2.451", "2.452"])
    func plugin(version: String) async throws {
        let configuration = Harness.configuration {
            $0.jenkinsVersion = version
            $0.peopleViewPlugin = false
        }
        try await Harness.with(configuration) { (sim: Harness) async throws in
            let status = try await sim.send(.GET, "asynchPeople/api/json", as: Harness.alice).status
            #expect(status == (version == "2.451" ? 200 : 404))
        }
    }

    @Test("it needs Overall/Read")
    func permissions() async throws {
        try await Harness.with { (sim: Harness) async throws in
            #expect(try await sim.send(.GET, "asynchPeople/api/json").status == 403)
            let reader = Credentials(user: "reader-less", secret: "nope-pass")
            #expect(try await sim.send(.GET, "asynchPeople/api/json", as: reader).status == 403)
        }
    }
}
