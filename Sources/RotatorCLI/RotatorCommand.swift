import ArgumentParser

/// The `token-rotator` command: rotates Jenkins API tokens by policy.
public struct RotatorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token-rotator",
        abstract: "Keep Jenkins API tokens fresh: inventory, audit, rotate and report.",
        subcommands: []
    )

    public init() {}
}

/// The executable's single entry point.
public enum TokenRotatorMain {
    public static func run() async {
        await RotatorCommand.main()
    }
}
