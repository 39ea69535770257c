import Foundation

/// What the crumb issuer said for one session: a crumb to send on every POST, or CSRF protection off.
enum CrumbState: Sendable, Equatable {
    /// Send `value` in the header named `field` (Jenkins says which: `Jenkins-Crumb` by default).
    case crumb(field: String, value: String)
    /// `/crumbIssuer` answered 404: Jenkins runs without CSRF protection, send no crumb.
    case csrfDisabled
}

/// The Jenkins web session of one password credential: its cookie jar and the crumb bound to it
/// (Jenkins binds crumbs to the principal and the session, jenkins-api.md §2–§3).
/// Concurrent callers share one crumb fetch.
actor PasswordSession {
    private var jar = CookieJar()
    private var crumb: CrumbState?
    private var pendingFetch: Task<CrumbState, any Error>?
    private var generation = 0

    /// The current crumb, fetched with `fetch` when there is none yet.
    func currentCrumb(fetch: @escaping @Sendable () async throws -> CrumbState) async throws -> CrumbState {
        if let crumb { return crumb }
        if let pendingFetch { return try await pendingFetch.value }
        let startedGeneration = generation
        let task = Task { try await fetch() }
        pendingFetch = task
        defer { if generation == startedGeneration { pendingFetch = nil } }
        let fetched = try await task.value
        if generation == startedGeneration { crumb = fetched }
        return fetched
    }

    /// Forgets `rejected` and the session cookies it was bound to, unless another caller already replaced it.
    func invalidate(_ rejected: CrumbState) {
        guard crumb == nil || crumb == rejected else { return }
        crumb = nil
        pendingFetch = nil
        generation += 1
        jar.removeAll()
    }

    func cookieHeader(forPath path: String, now: Date) -> String? {
        jar.header(forPath: path, now: now)
    }

    func store(setCookieHeaders headers: [String], requestPath: String, now: Date) {
        jar.store(setCookieHeaders: headers, requestPath: requestPath, now: now)
    }

    /// Drops the cookies but keeps the crumb: only for tests that prove the cookie is needed.
    func dropCookies() {
        jar.removeAll()
    }
}

/// One ``PasswordSession`` per user, for the life of a ``JenkinsClient``.
final class PasswordSessions: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [String: PasswordSession] = [:]

    func session(for user: String) -> PasswordSession {
        lock.lock()
        defer { lock.unlock() }
        if let existing = sessions[user] { return existing }
        let created = PasswordSession()
        sessions[user] = created
        return created
    }
}
