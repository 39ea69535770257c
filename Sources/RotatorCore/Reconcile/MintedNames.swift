import Foundation

/// The names token-rotator mints for one user on one controller: the names of the inventory's tokens, each
/// rendered through its rule's `token_name` (`{date}` and `{rotation}` standing for any day and id), and the
/// names recorded by rotations left unfinished (a generate whose answer was lost).
public struct MintedNames: Sendable {
    private var exact: Set<String>
    private var templates: [(template: String, fixed: [Placeholder: String])]

    /// - Parameters:
    ///   - tokens: the inventory's tokens of this controller and user, any state.
    ///   - unfinishedNames: `new_name` of this user's unfinished rotations.
    public init(
        controller: String, user: String, tokens: [InventoryToken], unfinishedNames: [String], policy: RotationPolicy?
    ) {
        exact = Set(tokens.map(\.name)).union(unfinishedNames)
        templates = []
        guard let policy, policy.controller(controller) != nil else { return }
        for name in Set(tokens.map(\.name)) {
            let rule = policy.resolve(controller: controller, user: user, name: name)
            templates.append((rule.settings.tokenName, [.name: name, .user: user, .controller: controller]))
        }
    }

    /// Whether `name` is one the tool mints (or minted) for this user.
    public func contains(_ name: String) -> Bool {
        exact.contains(name)
            || templates.contains { TokenNameTemplate.matches(name, template: $0.template, fixed: $0.fixed) }
    }
}
