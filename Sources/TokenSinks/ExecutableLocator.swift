#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the program a command sink runs, as `execvp` would but without a shell: a name holding
/// `/` is used as given; a bare name is looked up in the folders of `PATH`.
enum ExecutableLocator {
    /// Used when the environment has no `PATH`.
    static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    static func locate(_ command: String, searchPath: String?) throws -> String {
        let searchPath = searchPath ?? defaultSearchPath
        if command.contains("/") {
            guard isExecutableFile(command) else {
                throw SinkError.executableNotFound(command: command, searchPath: searchPath)
            }
            return command
        }
        // Relative and empty PATH entries (the current folder) are skipped on purpose: a cron job
        // must not run whatever happens to sit in its working folder.
        for folder in searchPath.split(separator: ":") where folder.hasPrefix("/") && !command.isEmpty {
            let candidate = folder.hasSuffix("/") ? String(folder) + command : folder + "/" + command
            if isExecutableFile(candidate) { return candidate }
        }
        throw SinkError.executableNotFound(command: command, searchPath: searchPath)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
