/// Everything that can go wrong while configuring or starting the simulator.
public enum SimulatorError: Error, CustomStringConvertible, Equatable {
    /// A command-line argument is missing, unknown or malformed.
    case usage(String)
    /// A `--fault` specification or `/_sim/faults` entry could not be parsed.
    case invalidFault(spec: String, reason: String)
    /// A duration such as `5ms` or `2s` could not be parsed.
    case invalidDuration(String)
    /// The users file could not be read or decoded.
    case usersFile(path: String, reason: String)
    /// The TLS certificate or key could not be loaded.
    case tls(reason: String)
    /// The HTTP server could not start.
    case startFailed(reason: String)

    public var description: String {
        switch self {
        case .usage(let message):
            return "jenkins-sim: \(message). Run `jenkins-sim --help` for the options."
        case .invalidFault(let spec, let reason):
            return "invalid fault '\(spec)': \(reason). Expected ENDPOINT:ACTION[,OPTION=VALUE]…, "
                + "for example generate:status=503,count=2 (see SimulatorFault)."
        case .invalidDuration(let text):
            return "invalid duration '\(text)': use a number with a unit, for example 5ms, 2s, 1.5s, 3m or 1h."
        case .usersFile(let path, let reason):
            return "cannot load users file \(path): \(reason). Check the YAML against the format in SPEC.md §6."
        case .tls(let reason):
            return "cannot set up TLS: \(reason). Pass a PEM certificate with --tls-cert and its key with --tls-key."
        case .startFailed(let reason):
            return "the simulator could not start: \(reason). Check that the host and port are free and allowed."
        }
    }
}
