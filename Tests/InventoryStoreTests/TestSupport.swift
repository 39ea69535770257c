import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

@_spi(Testing) @testable import InventoryStore

/// Runs a tool to completion and returns its exit status.
@discardableResult
func runTool(_ path: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// Makes `path` impossible to write for this process: `chmod` for ordinary users; for root (which ignores
/// file modes) the immutable flag, where the file system supports it. False when neither works.
func makeUnwritable(_ path: String, mode: mode_t) -> Bool {
    if geteuid() != 0 {
        return chmod(path, mode) == 0
    }
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr"),
        (try? runTool("/usr/bin/chattr", ["+i", path])) == 0
    else { return false }
    return access(path, W_OK) != 0
}

func fileMode(_ path: String) -> mode_t? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return status.st_mode & 0o777
}
