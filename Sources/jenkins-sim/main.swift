import Foundation
import JenkinsSimulator

exit(await SimulatorCommandLine.run(arguments: Array(CommandLine.arguments.dropFirst())))
