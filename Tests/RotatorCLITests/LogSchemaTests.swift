import Foundation
import Logging
import RotatorCore
import Testing

@testable import RotatorCLI

/// SPEC §8.3 and docs/logging.md: every JSON log line of a real rotation, checked field by field.
@Suite("Log schema")
struct LogSchemaTests {
    static let levels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Checks one parsed JSON log line against docs/logging.md; returns the problems found.
    static func problems(_ object: [String: Any], line: Substring, owners: Set<String>) -> [String] {
        var found: [String] = []
        let time = object["time"] as? String ?? ""
        if time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) == nil { found.append("time \(time)") }
        if !levels.contains(object["level"] as? String ?? "") { found.append("level") }
        if !(object["message"] is String) { found.append("message") }
        for key in StderrLogHandler.numericKeys where object[key] != nil {
            // A whole JSON number in the text itself (JSONSerialization would read `true` as 1 too).
            if line.firstMatch(of: Regex<Substring>(verbatim: "\"\(key)\":")) == nil
                || line.contains("\"\(key)\":\"") || line.contains("\"\(key)\":true")
                || line.contains("\"\(key)\":false") || !(object[key] is NSNumber)
            {
                found.append("\(key) is not a JSON number")
            }
        }
        if let user = object["user"] {
            if !owners.contains(user as? String ?? "") { found.append("user \(user) is not a token's owner") }
        }
        for (key, value) in object where value is String {
            if (value as! String).unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
            ) {
                found.append("\(key) holds a control character")
            }
        }
        return found
    }

    @Test("every line a rotate run logs is one JSON object of the documented schema, user the owner, actor the caller")
    func rotateRunLogsTheSchema() async throws {
        // YAML single quotes keep the backslashes for printf, which turns them into ESC, BEL and CR.
        let noisy = "'printf ''pushed \\033[31mred\\033[0m\\007 ok\\r\\n'' >&2; cat >/dev/null'"
        let scenario = try await RotationScenario.make(
            seeds: [.init(user: "alice", name: "ci", ageDays: 120), .init(user: "bob", name: "deploy", ageDays: 120)],
            deliver: """
                    - file: { path: "{sinks}/{controller}/{user}/{name}.token" }
                    - command: ["/bin/sh", "-c", \(noisy)]
                """)
        defer { Task { await scenario.stop() } }
        scenario.world.logFormat = .json
        let result = await scenario.world.run(["rotate", "--log-level", "trace"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count > 10)
        var keys: Set<String> = []
        var actors: Set<String> = []
        for line in lines {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            let problems = Self.problems(object, line: line, owners: ["alice", "bob"])
            #expect(problems.isEmpty, "\(problems) in \(line)")
            keys.formUnion(object.keys)
            if let actor = object["actor"] as? String { actors.insert(actor) }
        }
        // The run's lines carry the documented keys, and the admin only ever appears as the actor.
        for key in ["run_id", "rotation_id", "controller", "user", "actor", "token", "uuid", "step", "status"] {
            #expect(keys.contains(key), "no line carries \(key)")
        }
        #expect(actors.contains("rotation-admin"))
        #expect(result.stderr.contains("pushed \u{FFFD}[31mred\u{FFFD}[0m\u{FFFD} ok"), "\(result.stderr)")
        // The sink command's output names the token it was delivering.
        let sinkLines = lines.filter { $0.contains("\"stream\":\"stderr\"") }
        #expect(sinkLines.count == 2)
        #expect(sinkLines.allSatisfy { $0.contains("\"token\":") && $0.contains("\"controller\":\"ci\"") })
        try scenario.expectNoSecretLeaks([result])
    }

    @Test(
        "values become JSON numbers and booleans where they are ones",
        arguments: [
            (Logger.Metadata.Value.string("42"), "run_id", "42"),
            (.stringConvertible(7), "rotation_id", "7"),
            (.stringConvertible(200), "status", "200"),
            (.string("not a number"), "status", "\"not a number\""),
            (.string("42"), "name", "\"42\""),
            (.stringConvertible(true), "ok", "true"),
            (.stringConvertible(1.5), "seconds", "1.5"),
            (.array([.string("a"), .stringConvertible(1)]), "list", "[\"a\",1]"),
        ])
    func typedValues(value: Logger.Metadata.Value, key: String, json: String) {
        let output = BufferOutput()
        let handler = StderrLogHandler(label: "t", format: .json, level: .info, output: output)
        handler.log(
            event: LogEvent(
                level: .info, message: "m", metadata: [key: value], source: "t", file: "f", function: "f", line: 1))
        #expect(output.text.contains(",\"\(key)\":\(json)}"), "\(output.text)")
    }

    @Test("control characters in messages and values are replaced in both formats")
    func controlCharacters() {
        for format in LogFormat.allCases {
            let output = BufferOutput()
            let handler = StderrLogHandler(label: "t", format: format, level: .info, output: output)
            handler.log(
                event: LogEvent(
                    level: .warning, message: "a\u{1B}]0;title\u{07}b\nforged line", metadata: ["k": "x\u{9B}y"],
                    source: "t", file: "f", function: "f", line: 1))
            let text = output.text
            #expect(text.filter { $0 == "\n" }.count == 1, "\(format): \(text)")
            #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" })
            #expect(!text.contains("\\u001b"))
        }
    }

    @Test("time is RFC 3339 UTC with milliseconds")
    func timeFormat() {
        #expect(StderrLogHandler.time(Date(timeIntervalSince1970: 1_796_000_000.5124)) == "2026-11-30T00:53:20.512Z")
        #expect(StderrLogHandler.time(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}

/// SPEC §8.3: on a terminal, log lines never garble the progress line.
@Suite("Log lines and the progress line")
struct StatusLineTests {
    @Test("a log line clears the unfinished progress line, prints on its own line, and the progress is redrawn")
    func logAboveProgress() {
        let screen = BufferOutput()
        let terminal = StatusLineOutput(screen)
        let handler = StderrLogHandler(label: "t", format: .text, level: .info, output: terminal)
        let progress = ProgressLine(output: terminal)
        progress.draw(RunProgress(done: 1, total: 3, failures: 0, elapsed: 0))
        handler.log(
            event: LogEvent(
                level: .warning, message: "retrying", metadata: nil, source: "t", file: "f", function: "f", line: 1))
        progress.draw(RunProgress(done: 3, total: 3, failures: 0, elapsed: 0))
        handler.log(
            event: LogEvent(
                level: .info, message: "after", metadata: nil, source: "t", file: "f", function: "f", line: 1))
        let clear = "\r\u{1B}[2K"
        let text = screen.text
        let parts = text.components(separatedBy: clear)
        // [1/3] drawn; cleared; the log line, then [1/3] again; cleared; [3/3] ends its line; "after" follows plainly.
        #expect(parts.count == 4, "\(text.debugDescription)")
        #expect(parts[1].hasPrefix("[1/3]"))
        #expect(parts[2].hasSuffix(" WARNING retrying\n" + parts[1]), "\(parts[2].debugDescription)")
        #expect(parts[3].hasPrefix("[3/3]\n"))
        #expect(parts[3].hasSuffix(" INFO after\n"))
    }
}
