import ArgumentParser
import Foundation
import InventoryStore
import Logging
import RotatorCore

/// `--controller`, `--user`, `--name`: which tokens a command looks at.
struct TokenFilterOptions: ParsableArguments {
    @Option(name: .customLong("controller"), help: "Only tokens of this controller (repeatable).")
    var controllers: [String] = []

    @Option(help: ArgumentHelp("Only users matching this glob.", valueName: "glob"))
    var user: String?

    @Option(help: ArgumentHelp("Only token names matching this glob.", valueName: "glob"))
    var name: String?

    var filter: TokenFilter {
        TokenFilter(controllers: Set(controllers), user: user.map(Glob.init), name: name.map(Glob.init))
    }
}
