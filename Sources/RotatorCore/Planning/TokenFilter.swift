import Foundation

/// Which tokens a command looks at: `--controller` (repeatable), `--user GLOB`, `--name GLOB`.
public struct TokenFilter: Sendable, Equatable {
    public var controllers: Set<String>
    public var user: Glob?
    public var name: Glob?

    public init(controllers: Set<String> = [], user: Glob? = nil, name: Glob? = nil) {
        self.controllers = controllers
        self.user = user
        self.name = name
    }

    public func includes(_ token: InventoryToken) -> Bool {
        (controllers.isEmpty || controllers.contains(token.controller)) && (user?.matches(token.user) ?? true)
            && (name?.matches(token.name) ?? true)
    }
}
