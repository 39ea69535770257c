import Foundation
import Logging
import NIOHTTP1
import RotatorCore

/// `GET /asynchPeople/api/json?tree=users[user[id]]` (jenkins-api.md §15): `View.AsynchPeople.People#getUsers`.
struct PeopleResponse: Decodable {
    struct Info: Decodable {
        struct User: Decodable {
            var id: String?
        }

        var user: User?
    }

    var users: [Info]?
}

extension JenkinsClient {
    /// Every user id Jenkins knows, from its people API: `GET /asynchPeople/api/json?tree=users[user[id]]`
    /// (core Jenkins up to 2.451, the People View plugin from 2.452; without `tree=` the output carries no ids).
    /// Needs Overall/Read. A 404 means the API is not installed.
    public func listUserIDs(as credential: JenkinsCredential?) async throws -> [String] {
        let request = JenkinsRequest(
            method: .GET, path: "asynchPeople/api/json", query: "tree=users%5Buser%5Bid%5D%5D",
            credential: credential, step: "listUsers")
        let response = try await send(request)
        guard response.status == 200 else {
            if response.status == 404 {
                throw JenkinsClientError.malformedResponse(
                    response.site,
                    expected: "the people API (Jenkins 2.452 and later need the People View plugin for it)",
                    detail: "HTTP 404", responseMayBeLost: false)
            }
            throw ResponseClassifier.failure(for: response, request: request, targetUser: nil)
        }
        let decoded = try ResponseClassifier.decodeJSON(
            PeopleResponse.self, from: response, expected: "the people API's JSON (users[user[id]])")
        let ids = (decoded.users ?? []).compactMap { $0.user?.id }.filter { !$0.isEmpty }
        requestLogger(request).debug("listed users", metadata: ["count": .stringConvertible(ids.count)])
        return ids
    }
}
