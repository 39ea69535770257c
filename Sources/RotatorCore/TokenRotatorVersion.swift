/// The release this binary was built from: the one place the version is written. `--version` prints it and
/// every Jenkins request carries it in `User-Agent: token-rotator/<version>` (SPEC §8.1).
public enum TokenRotatorVersion {
    public static let current = "0.1.0"

    /// The `User-Agent` header value of every request to Jenkins.
    public static var userAgent: String { "token-rotator/\(current)" }
}
