import ArgumentParser
import Foundation
import InventoryStore
import Logging
import RotatorCore

extension RowFormat: ExpressibleByArgument {}

/// `--format` for commands that print records.
struct RowFormatOption: ParsableArguments {
    @Option(help: "Output format: table, json or csv.")
    var format: RowFormat = .table
}
