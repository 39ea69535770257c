import Foundation

/// One of several controllers served by one simulator process (`controllers:` in the users file), each with its
/// own users, tokens, credentials, sessions and counters under its own context path (`/<name>/`), so that a
/// benchmark can stand up hundreds of controllers without hundreds of processes.
public struct SimulatedController: Sendable, Equatable {
    /// The controller's path segment: it is served at `<prefix>/<name>/`, inspected at `/_sim/<name>/`.
    public var name: String
    /// Its users with their seeded tokens.
    public var users: [SimulatedUser]
    /// Its credentials plugin's stores.
    public var credentials: [SimulatedCredential]

    /// Creates a controller seed.
    public init(name: String, users: [SimulatedUser] = [], credentials: [SimulatedCredential] = []) {
        self.name = name
        self.users = users
        self.credentials = credentials
    }

    /// Why these controllers cannot be served together, or nil: there must be at least one, and their names must
    /// be distinct.
    static func problem(in controllers: [SimulatedController]) -> String? {
        guard !controllers.isEmpty else { return "controllers: is empty" }
        var names: Set<String> = []
        for controller in controllers {
            if let problem = problem(withName: controller.name) { return problem }
            guard names.insert(controller.name).inserted else { return "controller '\(controller.name)' appears twice" }
        }
        return nil
    }

    /// Why `name` cannot name a controller, or nil when it can: one path segment of letters, digits, `.`, `_`
    /// and `-`, not `_sim`, `.` or `..`.
    private static func problem(withName name: String) -> String? {
        guard !name.isEmpty else { return "a controller has an empty name" }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
            name != "_sim", name != ".", name != ".."
        else { return "controller name '\(name)' must be one path segment of letters, digits, '.', '_' and '-'" }
        return nil
    }
}
