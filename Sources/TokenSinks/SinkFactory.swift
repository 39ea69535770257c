import Foundation
import Logging
import RotatorCore

/// Turns a rule's `deliver` list into sinks for one rotation: file paths are rendered in path mode
/// (no placeholder value may leave its folder), command arguments in text mode, and a placeholder value never
/// makes an argument start with `-` (SPEC §8.12).
public struct SinkFactory: Sendable {
    /// Variables removed from every command sink's environment: the policy's `*_env` names.
    public var scrubbedVariables: Set<String>
    /// The environment command sinks start from: normally the tool's own.
    public var baseEnvironment: [String: String]
    /// SIGTERM-to-SIGKILL delay for a command past its timeout.
    public var killGrace: Duration
    public var logger: Logger
    /// The credentials stores of the controllers `jenkins_credential` sinks write to, by controller id; nil takes
    /// them from ``CredentialStores/current``, which `LiveJenkins` sets for the duration of a command.
    public var credentialStores: [String: CredentialStoreEndpoint]?

    public init(
        scrubbedVariables: Set<String> = [],
        baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        killGrace: Duration = .seconds(2), logger: Logger
    ) {
        self.scrubbedVariables = scrubbedVariables
        self.baseEnvironment = baseEnvironment
        self.killGrace = killGrace
        self.logger = logger
    }

    /// One sink per entry of `configs`, in order.
    public func makeSinks(_ configs: [SinkConfig], values: PlaceholderValues) throws -> [any SecretSink] {
        try configs.map { try makeSink($0, values: values) }
    }

    public func makeSink(_ config: SinkConfig, values: PlaceholderValues) throws -> any SecretSink {
        switch config {
        case .file(let template, let options):
            return try Self.renderFileSink(template, options: options, values: values)
        case .command(let argv, let timeout):
            let rendered = try argv.enumerated().map { index, argument in
                let text: String
                do {
                    text = try TokenNameTemplate.render(argument, values: values, mode: .text)
                } catch let error as TemplateError {
                    throw SinkError.invalidTemplate(sink: "command sink \(argv.first ?? "")", error)
                }
                // A leading '-' the policy wrote is an option it chose; one a placeholder brought in is not.
                if text.hasPrefix("-"), !argument.hasPrefix("-") {
                    throw SinkError.optionLikeArgument(command: argv.first ?? "", index: index)
                }
                return text
            }
            // The command's output is logged line by line: each line names the token it was delivering.
            var logger = self.logger
            logger[metadataKey: "controller"] = "\(values.controller)"
            logger[metadataKey: "user"] = "\(values.user)"
            logger[metadataKey: "token"] = "\(values.name)"
            return CommandSink(
                argv: rendered, timeout: .seconds(timeout.seconds), scrubbedVariables: scrubbedVariables,
                baseEnvironment: baseEnvironment, killGrace: killGrace, logger: logger)
        case .jenkinsCredential(let sink):
            let id: String
            do {
                id = try TokenNameTemplate.render(sink.id, values: values, mode: .text)
            } catch let error as TemplateError {
                throw SinkError.invalidTemplate(sink: "jenkins_credential \(sink.controller) \(sink.id)", error)
            }
            let location = CredentialLocation(store: sink.store, domain: sink.domain, id: id)
            guard let endpoint = (credentialStores ?? CredentialStores.current)[sink.controller] else {
                throw SinkError.credentialStoreUnavailable(
                    sink: "jenkins_credential \(sink.controller) \(location) (\(sink.kind.rawValue))")
            }
            return JenkinsCredentialSink(
                controller: sink.controller, location: location, kind: sink.kind, api: endpoint.api,
                credential: endpoint.credential, logger: logger)
        }
    }

    /// The first file sink among `configs`, rendered: where self mode reads a token's current value.
    public static func firstFileSink(in configs: [SinkConfig], values: PlaceholderValues) throws -> FileSink? {
        guard let config = configs.first(where: { $0.filePath != nil }) else { return nil }
        return try fileSink(config, values: values)
    }

    /// The rendered file sink for a `.file` config; nil for other kinds.
    public static func fileSink(_ config: SinkConfig, values: PlaceholderValues) throws -> FileSink? {
        guard case .file(let template, let options) = config else { return nil }
        return try renderFileSink(template, options: options, values: values)
    }

    private static func renderFileSink(
        _ template: String, options: FileSinkOptions, values: PlaceholderValues
    ) throws -> FileSink {
        do {
            return FileSink(
                path: try TokenNameTemplate.renderPath(template, values: values), format: options.format,
                mode: mode_t(options.mode), group: options.group)
        } catch let error as TemplateError {
            throw SinkError.invalidTemplate(sink: "file sink \(template)", error)
        }
    }
}
