// rotator-bench: micro-benchmarks for token-rotator. One file per benchmark; this file only dispatches.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: rotator-bench <benchmark> [options]
      client --pairs N --concurrency C [--raw]   generate+revoke pairs against an in-process simulator
      journal [--rotations N] [--dir DIR]        the durable inventory writes of N rotations
      requests --url URL --user U --token-file F [--count N] [--concurrency C] [--path client|async|future]
                                                 this process's CPU per whoAmI request to a running Jenkins
    """

switch arguments.first {
case "client":
    exit(await ClientBenchmark.run(arguments: Array(arguments.dropFirst())))
case "journal":
    exit(JournalBenchmark.run(arguments: Array(arguments.dropFirst())))
case "requests":
    exit(await RequestCostBenchmark.run(arguments: Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
