import Foundation

/// A fresh folder under the system temporary folder for `body`, removed afterwards even when a test left
/// immutable (`chattr +i`) or unwritable entries in it.
public func withTemporaryFolder<T>(prefix: String = "token-rotator-test", _ body: (String) throws -> T) throws -> T {
    let folder = try makeTemporaryFolder(prefix: prefix)
    defer { removeTemporaryFolder(folder) }
    return try body(folder)
}

/// The async variant of ``withTemporaryFolder(prefix:_:)``.
public func withTemporaryFolder<T>(prefix: String = "token-rotator-test", _ body: (String) async throws -> T)
    async throws -> T
{
    let folder = try makeTemporaryFolder(prefix: prefix)
    defer { removeTemporaryFolder(folder) }
    return try await body(folder)
}

/// Creates a fresh folder (mode 0700) under the system temporary folder.
public func makeTemporaryFolder(prefix: String = "token-rotator-test") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    return folder
}

/// Removes a test folder; clears immutable flags and restores permissions first when a plain removal fails.
public func removeTemporaryFolder(_ folder: String) {
    guard (try? FileManager.default.removeItem(atPath: folder)) == nil else { return }
    let chattr = Process()
    chattr.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
    chattr.arguments = ["-R", "-i", folder]
    chattr.standardOutput = FileHandle.nullDevice
    chattr.standardError = FileHandle.nullDevice
    if (try? chattr.run()) != nil { chattr.waitUntilExit() }
    if let paths = FileManager.default.enumerator(atPath: folder) {
        for case let path as String in paths { chmod(folder + "/" + path, 0o700) }
    }
    chmod(folder, 0o700)
    try? FileManager.default.removeItem(atPath: folder)
}
