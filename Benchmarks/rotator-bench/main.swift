// rotator-bench: micro-benchmarks for token-rotator. One file per benchmark; this file only dispatches.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: rotator-bench <benchmark> [options]
      client --pairs N --concurrency C [--raw]   generate+revoke pairs against an in-process simulator
    """

switch arguments.first {
case "client":
    exit(await ClientBenchmark.run(arguments: Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
