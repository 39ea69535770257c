import Foundation

/// Where a credential lives: `<store>/domain/<domain>/credential/<id>` (jenkins-api.md §10).
public struct CredentialLocation: Sendable, Equatable, CustomStringConvertible {
    /// A credentials store.
    public enum Store: Sendable, Equatable, CustomStringConvertible {
        /// `/credentials/store/system/…`: Jenkins' global store.
        case system
        /// `/user/<id>/credentials/store/user/…`: open to that user only, administrators included out.
        case user(String)
        /// `/job/<a>/job/<b>/credentials/store/folder/…`: a folder's store.
        case folder([String])

        /// Parses `system`, `user:<id>` or `folder:<a/b>`.
        public init?(_ text: String) {
            if text == "system" {
                self = .system
            } else if text.hasPrefix("user:"), text.count > 5 {
                self = .user(String(text.dropFirst(5)))
            } else if text.hasPrefix("folder:") {
                let path = text.dropFirst(7).split(separator: "/").map(String.init)
                guard !path.isEmpty else { return nil }
                self = .folder(path)
            } else {
                return nil
            }
        }

        public var description: String {
            switch self {
            case .system: "system"
            case .user(let id): "user:\(id)"
            case .folder(let path): "folder:\(path.joined(separator: "/"))"
            }
        }
    }

    public var store: Store
    /// `_` for the global domain.
    public var domain: String
    public var id: String

    public init(store: Store, domain: String = "_", id: String) {
        self.store = store
        self.domain = domain
        self.id = id
    }

    /// `system _/ci-bot`, for logs and errors.
    public var description: String { "\(store) \(domain)/\(id)" }
}
