import Foundation
import RotatorCore
import RotatorTestSupport
import Testing
import TokenSinks

@Suite("Sink factory")
struct SinkFactoryTests {
    static let values = PlaceholderValues(
        name: "ci", user: "svc-deploy", controller: "ci-main",
        rotationInstant: Date(timeIntervalSince1970: 1_767_571_200), rotation: "42")

    func factory() -> SinkFactory {
        SinkFactory(
            scrubbedVariables: ["JENKINS_ADMIN_TOKEN"], baseEnvironment: ["PATH": "/bin"],
            logger: LogRecorder().logger())
    }

    @Test("file paths and command arguments are rendered, in order")
    func rendersEverySink() throws {
        let sinks = try factory().makeSinks(
            [
                .file(path: "/var/lib/token-rotator/{controller}/{user}/{name}.token", format: .env),
                .command(
                    argv: ["/usr/local/bin/push", "{controller}/{user}", "{date}", "{rotation}"], timeout: .hours(1)),
            ], values: Self.values)
        #expect(sinks.count == 2)
        let file = try #require(sinks.first as? FileSink)
        #expect(file.path == "/var/lib/token-rotator/ci-main/svc-deploy/ci.token")
        #expect(file.format == .env)
        let command = try #require(sinks.last as? CommandSink)
        #expect(command.argv == ["/usr/local/bin/push", "ci-main/svc-deploy", "2026-01-05", "42"])
        #expect(command.timeout == .seconds(3600))
        #expect(command.scrubbedVariables == ["JENKINS_ADMIN_TOKEN"])
        #expect(command.baseEnvironment == ["PATH": "/bin"])
    }

    @Test("a placeholder value that would leave the sink's folder is refused", arguments: ["..", "a/b", ".", ""])
    func pathEscape(name: String) throws {
        var values = Self.values
        values.name = name
        let error = #expect(throws: SinkError.self) {
            try factory().makeSinks(
                [.file(path: "/var/lib/token-rotator/{user}/{name}.token", format: .raw)], values: values)
        }
        guard case .invalidTemplate(_, .unsafePathValue(let placeholder, _, _))? = error else {
            Issue.record("expected unsafePathValue, got \(String(describing: error))")
            return
        }
        #expect(placeholder == .name)
    }

    @Test(
        "a placeholder value never yields an argument starting with '-'",
        arguments: [
            (["/bin/push", "{user}"], 1), (["/bin/push", "ok", "{name}.token"], 2), (["{controller}", "x"], 0),
        ])
    func optionLikeArgument(argv: [String], index: Int) throws {
        var values = Self.values
        values.user = "--exec=/tmp/evil"
        values.name = "-rf"
        values.controller = "-c"
        let error = #expect(throws: SinkError.self) {
            try factory().makeSink(.command(argv: argv, timeout: .hours(1)), values: values)
        }
        guard case .optionLikeArgument(let command, let position)? = error else {
            Issue.record("expected optionLikeArgument, got \(String(describing: error))")
            return
        }
        #expect(command == argv[0])
        #expect(position == index)
        #expect(error?.description.contains("refused") == true)
    }

    @Test("a '-' the policy wrote itself stays, with the placeholder after it")
    func literalOptionsStay() throws {
        var values = Self.values
        values.user = "-odd"
        let sink = try factory().makeSink(
            .command(argv: ["/bin/push", "--user={user}", "-n", "x{user}"], timeout: .hours(1)), values: values)
        #expect((sink as? CommandSink)?.argv == ["/bin/push", "--user=-odd", "-n", "x-odd"])
    }

    @Test("an unknown placeholder in a command argument is refused")
    func unknownPlaceholder() throws {
        #expect(throws: SinkError.self) {
            try factory().makeSink(.command(argv: ["/bin/push", "{token}"], timeout: .hours(1)), values: Self.values)
        }
    }

    @Test("self mode reads from the first file sink")
    func firstFileSink() throws {
        let configs: [SinkConfig] = [
            .command(argv: ["/bin/push"], timeout: .hours(1)),
            .file(path: "/run/{name}.json", format: .json),
            .file(path: "/run/other.token", format: .raw),
        ]
        let sink = try SinkFactory.firstFileSink(in: configs, values: Self.values)
        #expect(sink?.path == "/run/ci.json")
        #expect(sink?.format == .json)
        #expect(try SinkFactory.firstFileSink(in: [configs[0]], values: Self.values) == nil)
    }
}
