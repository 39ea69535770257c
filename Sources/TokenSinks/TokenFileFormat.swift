import Foundation
import RotatorCore

/// The bytes a file sink writes for each ``RotatorCore/FileSinkFormat``, and how to read the
/// token back (SPEC §3, §7 "File sink format").
enum TokenFileFormat {
    /// raw: the value and a newline. env: `JENKINS_URL`, `JENKINS_USER`, `JENKINS_TOKEN` lines.
    /// json: `{"controller", "url", "user", "name", "uuid", "token", "created"}` with sorted keys.
    static func render(_ delivery: TokenDelivery, format: FileSinkFormat, path: String) throws -> [UInt8] {
        let token = delivery.value.reveal()
        switch format {
        case .raw:
            try requireSingleLine(token, field: "token value", path: path)
            return Array((token + "\n").utf8)
        case .env:
            let url = delivery.controllerURL.absoluteString
            try requireSingleLine(url, field: "controller URL", path: path)
            try requireSingleLine(delivery.user, field: "user", path: path)
            try requireSingleLine(token, field: "token value", path: path)
            return Array("JENKINS_URL=\(url)\nJENKINS_USER=\(delivery.user)\nJENKINS_TOKEN=\(token)\n".utf8)
        case .json:
            let document = JSONDocument(
                controller: delivery.controller, url: delivery.controllerURL.absoluteString, user: delivery.user,
                name: delivery.name, uuid: delivery.uuid, token: token,
                created: ISO8601DateFormatter().string(from: delivery.created))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            do {
                return Array(try encoder.encode(document)) + Array("\n".utf8)
            } catch {
                throw SinkError.writeFailed(path: path, step: "encode the JSON document", reason: "\(error)")
            }
        }
    }

    /// The token held in a file's contents. Errors describe the problem, never the contents.
    static func token(in contents: [UInt8], format: FileSinkFormat, path: String) throws -> Secret {
        let text = String(decoding: contents, as: UTF8.self)
        let value: String
        switch format {
        case .raw:
            let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            value = firstLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                throw SinkError.malformedTokenFile(path: path, format: format, problem: "its first line is empty")
            }
        case .env:
            value = try envToken(in: text, path: path)
        case .json:
            value = try jsonToken(in: contents, path: path)
        }
        return Secret(value)
    }

    private struct JSONDocument: Encodable {
        var controller: String
        var url: String
        var user: String
        var name: String
        var uuid: String
        var token: String
        var created: String
    }

    private static func envToken(in text: String, path: String) throws -> String {
        let key = "JENKINS_TOKEN="
        for rawLine in text.split(separator: "\n") {
            var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("export ") {
                line = String(line.dropFirst("export ".count)).trimmingCharacters(in: .whitespaces)
            }
            guard line.hasPrefix(key) else { continue }
            var value = String(line.dropFirst(key.count)).trimmingCharacters(in: .whitespaces)
            // Accept a value an operator quoted by hand, as a shell would.
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard !value.isEmpty else {
                throw SinkError.malformedTokenFile(path: path, format: .env, problem: "JENKINS_TOKEN is empty")
            }
            return value
        }
        throw SinkError.malformedTokenFile(path: path, format: .env, problem: "it has no JENKINS_TOKEN= line")
    }

    private static func jsonToken(in contents: [UInt8], path: String) throws -> String {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contents))
        } catch {
            throw SinkError.malformedTokenFile(path: path, format: .json, problem: "it is not valid JSON")
        }
        guard let document = object as? [String: Any] else {
            throw SinkError.malformedTokenFile(path: path, format: .json, problem: "it is not a JSON object")
        }
        guard let token = document["token"] as? String, !token.isEmpty else {
            throw SinkError.malformedTokenFile(
                path: path, format: .json, problem: "it has no non-empty string \"token\"")
        }
        return token
    }

    private static func requireSingleLine(_ value: String, field: String, path: String) throws {
        if value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
            throw SinkError.unwritableField(path: path, field: field)
        }
    }
}
