import Foundation

/// The token operations the engine needs from one controller (jenkins-api.md §4–§9).
/// `JenkinsAPI.JenkinsClient` implements it over HTTP; tests may use fakes.
public protocol JenkinsTokenAPI: Sendable {
    /// The Jenkins version from `X-Jenkins`, nil when the controller does not say.
    func version(as credential: JenkinsCredential?) async throws -> JenkinsVersion?

    /// `POST /user/<user>/descriptorByName/jenkins.security.ApiTokenProperty/generateNewToken`.
    /// Never retried once sent: a lost response throws an error whose `responseMayBeLost` is true.
    func generateToken(
        forUser user: String, name: String, expirationDays: Int?, as credential: JenkinsCredential
    ) async throws -> MintedToken

    /// `POST …/revoke`. Jenkins answers 200 whether or not the uuid existed.
    func revokeToken(user: String, uuid: String, as credential: JenkinsCredential) async throws

    /// `GET /whoAmI/api/json` with the given credential: the name Jenkins authenticated.
    /// A 401 throws an error whose `isUnauthorized` is true.
    func whoAmI(_ credential: JenkinsCredential) async throws -> String

    /// The tokens on `/user/<user>/security/` (both markups of jenkins-api.md §7).
    func listTokens(user: String, as credential: JenkinsCredential) async throws -> [ListedToken]
}
