import Foundation
import Logging
import RotatorCore
import RotatorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The permission bits of a file or folder.
func permissions(_ path: String) throws -> mode_t {
    var status = stat()
    guard stat(path, &status) == 0 else { throw TestFailure("stat \(path): errno \(errno)") }
    return status.st_mode & 0o7777
}

func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

func entries(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
}

/// Creates (or replaces) a file holding `text`.
func writeFile(_ path: String, _ text: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
}

/// A delivery with a recognisable fake value.
func sampleDelivery(value: String = "11aa22bb33cc44dd55ee66ff77889900", oldUUID: String? = "old-uuid-1")
    -> TokenDelivery
{
    TokenDelivery(
        controller: "ci-main", controllerURL: URL(string: "https://jenkins.example.com/")!, user: "alice",
        name: "ci", uuid: "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10", oldUUID: oldUUID,
        created: Date(timeIntervalSince1970: 1_767_571_200),  // 2026-01-05T00:00:00Z
        value: Secret(value))
}
