import Foundation
import NIOCore
import NIOPosix
import SignalSources

/// The `jenkins-sim` command line, parsed by hand (this module must not depend on ArgumentParser).
public enum SimulatorCommandLine {
    /// Usage text for `--help` and usage errors.
    public static let usage = """
        USAGE: jenkins-sim [--port N] [--host H] [--users FILE] [--jenkins-version V] [--admin-can-generate]
                           [--csrf on|off] [--exclude-session-id] [--session-timeout DUR] [--latency DUR]
                           [--fault SPEC]... [--tls-cert PEM --tls-key PEM] [--crumb-field NAME]
                           [--stop-on-stdin-eof] [--prefix /PATH] [--no-people-plugin]

        A faithful fake Jenkins for testing API-token clients. Prints its base URL as the first line of stdout,
        then serves until SIGINT or SIGTERM.

        OPTIONS:
          --port N               Port to listen on; 0 picks a free port (default 0).
          --host H               Interface to bind (default 127.0.0.1).
          --users FILE           YAML users file (users: [{id, password, admin, read, tokens: [...]}],
                                 credentials: [{store, id, kind, username, secret, ...}]), or
                                 controllers: [{name, users, credentials}] for several controllers in one
                                 process, each served at BASE/NAME/ and inspected at /_sim/NAME/.
          --jenkins-version V    Jenkins version to imitate (default 2.555.1).
          --admin-can-generate   Let administrators generate tokens for other users.
          --csrf on|off          CSRF protection (crumbs); default on.
          --exclude-session-id   Crumbs depend on the user only, not on the HTTP session.
          --session-timeout DUR  Idle timeout of HTTP sessions (default 30m), e.g. 2s.
          --latency DUR          Delay added to every request (default 0), e.g. 5ms.
          --fault SPEC           Inject a fault, repeatable: ENDPOINT:ACTION[,count=N|nth=N|rate=P|seed=S],
                                 e.g. generate:status=503,count=2, generate:drop,nth=1, any:slow=200ms,
                                 revoke:revoke-noop, generate:hold, security:no-section. Endpoints: generate,
                                 revoke, revokeAll, revokeAllExcept, rename, addFixedToken, whoami, crumb,
                                 security, api, people, credentials, any.
          --tls-cert PEM         Serve HTTPS with this certificate chain (needs --tls-key).
          --tls-key PEM          Private key for --tls-cert.
          --crumb-field NAME     Crumb request field (default Jenkins-Crumb).
          --stop-on-stdin-eof    Also stop when standard input ends (a parent's pipe closes when the parent dies).
          --prefix /PATH         Serve Jenkins under a context path, e.g. /jenkins (the first line then reads
                                 http://127.0.0.1:PORT/jenkins/); /_sim/ stays at the root.
          --no-people-plugin     From 2.452 the people API needs the People View plugin: answer 404 there.
          -h, --help             Show this help.

        Test-only inspection (JSON, not Jenkins): GET /_sim/state, GET /_sim/requests, POST /_sim/requests/reset,
        POST /_sim/sessions/expire, GET|POST|DELETE /_sim/faults, GET /_sim/held, POST /_sim/release,
        GET /_sim/credentials (redacted XML and the SHA-256 of each stored secret).
        """

    /// What the arguments ask for.
    public enum Command: Sendable {
        /// Print the usage.
        case help
        /// Start a simulator.
        case serve(SimulatorConfiguration)
    }

    /// Parses arguments (without the program name).
    public static func parse(arguments: [String]) throws -> Command {
        var configuration = SimulatorConfiguration()
        var certificate: String?
        var key: String?
        var remaining = arguments[...]

        func value(for option: String) throws -> String {
            guard let next = remaining.popFirst() else { throw SimulatorError.usage("\(option) needs a value") }
            return next
        }

        while let argument = remaining.popFirst() {
            var option = argument
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                option = String(argument[..<equals])
                remaining.insert(String(argument[argument.index(after: equals)...]), at: remaining.startIndex)
            }
            switch option {
            case "-h", "--help": return .help
            case "--port":
                let text = try value(for: option)
                guard let port = Int(text), (0...65535).contains(port) else {
                    throw SimulatorError.usage("--port needs a number from 0 to 65535, not '\(text)'")
                }
                configuration.port = port
            case "--host": configuration.host = try value(for: option)
            case "--users":
                let contents = try UsersFile.loadContents(path: try value(for: option))
                configuration.users = contents.users
                configuration.credentials = contents.credentials
                configuration.controllers = contents.controllers
            case "--prefix":
                configuration.contextPath = try SimulatorConfiguration.normalizedContextPath(try value(for: option))
            case "--jenkins-version":
                let text = try value(for: option)
                guard JenkinsVersionNumber(text) != nil else {
                    throw SimulatorError.usage("--jenkins-version needs a version such as 2.555.1, not '\(text)'")
                }
                configuration.jenkinsVersion = text
            case "--admin-can-generate": configuration.adminCanGenerate = true
            case "--no-people-plugin": configuration.peopleViewPlugin = false
            case "--exclude-session-id": configuration.crumbExcludesSessionID = true
            case "--stop-on-stdin-eof": configuration.stopsAtEndOfStandardInput = true
            case "--csrf":
                switch try value(for: option) {
                case "on": configuration.csrfEnabled = true
                case "off": configuration.csrfEnabled = false
                case let other: throw SimulatorError.usage("--csrf takes on or off, not '\(other)'")
                }
            case "--session-timeout": configuration.sessionTimeout = try DurationParsing.parse(try value(for: option))
            case "--latency": configuration.latency = try DurationParsing.parse(try value(for: option))
            case "--fault": configuration.faults.append(try SimulatorFault.parse(try value(for: option)))
            case "--tls-cert": certificate = try value(for: option)
            case "--tls-key": key = try value(for: option)
            case "--crumb-field":
                let field = try value(for: option)
                guard !field.isEmpty, field.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw SimulatorError.usage("--crumb-field needs a header name such as Jenkins-Crumb")
                }
                configuration.crumbField = field
            default:
                throw SimulatorError.usage("unknown argument '\(argument)'")
            }
        }
        switch (certificate, key) {
        case (nil, nil): break
        case (let certificate?, let key?):
            configuration.tls = SimulatorTLS(certificatePath: certificate, privateKeyPath: key)
        default: throw SimulatorError.usage("--tls-cert and --tls-key go together")
        }
        return .serve(configuration)
    }

    /// The executable's entry point; never returns. Serves with Swift concurrency on one NIO event loop, the
    /// server's: a request is read, delayed and answered on one thread, so a benchmark's simulators take as
    /// little as possible of the CPU they share with the rotator they serve.
    public static func start(arguments: [String]) -> Never {
        // Both must happen on the main thread before any task starts.
        NIOSingletons.groupLoopCountSuggestion = 1
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Task { exit(await run(arguments: arguments)) }
        dispatchMain()
    }

    /// Runs `jenkins-sim`: parses, starts, prints the base URL, serves until SIGINT/SIGTERM.
    /// Returns the process exit code (0 on a clean stop, 2 on a usage error, 1 when the server fails).
    public static func run(arguments: [String]) async -> Int32 {
        let command: Command
        do {
            command = try parse(arguments: arguments)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return 2
        }
        guard case .serve(let configuration) = command else {
            print(usage)
            return 0
        }
        // Catch the stop signals before the URL is printed: a caller may send SIGTERM as soon as it reads it.
        let stopSignals = StopSignals()
        if configuration.stopsAtEndOfStandardInput { stopSignals.stopAtEndOfStandardInput() }
        let simulator: JenkinsSimulator
        do {
            simulator = try await JenkinsSimulator.start(configuration)
        } catch {
            FileHandle.standardError.write(Data("jenkins-sim: \(error)\n".utf8))
            return 1
        }
        FileHandle.standardOutput.write(Data("\(simulator.baseURL.absoluteString)\n".utf8))
        await stopSignals.wait()
        await simulator.stop()
        return 0
    }
}

/// Catches SIGINT and SIGTERM with Dispatch signal sources from its creation on; ``wait()`` returns at the first.
private struct StopSignals {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.stream = stream
        self.continuation = continuation
        self.sources = makeArmedSignalSources([SIGINT, SIGTERM], queue: .global()) { _ in continuation.yield() }
    }

    /// Also returns from ``wait()`` once standard input reaches end of file (read on a thread of its own).
    func stopAtEndOfStandardInput() {
        let continuation = self.continuation
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 512)
            while true {
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
            }
            continuation.yield()
        }
    }

    func wait() async {
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        for source in sources { source.cancel() }
    }
}
