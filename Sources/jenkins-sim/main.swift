import JenkinsSimulator

SimulatorCommandLine.start(arguments: Array(CommandLine.arguments.dropFirst()))
