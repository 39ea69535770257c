import Foundation

/// The last few KiB a command wrote to one stream: enough to explain a failure, bounded so a
/// chatty command cannot exhaust memory.
struct OutputTail: Sendable {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    /// Earlier output was dropped.
    private(set) var isTruncated = false

    init(limit: Int) {
        self.limit = limit
    }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        bytes += chunk
        if bytes.count > limit {
            bytes.removeFirst(bytes.count - limit)
            isTruncated = true
        }
    }

    /// The kept output as lines, with every occurrence of `secret` replaced by `***` and control characters by
    /// U+FFFD, so a sink cannot forge or hide log lines.
    ///
    /// After a truncation the first, partial line is dropped too: it might hold the end of the
    /// secret, which the replacement could no longer recognise.
    func lines(redacting secret: String) -> [String] {
        var kept = bytes[...]
        if isTruncated {
            guard let newline = kept.firstIndex(of: UInt8(ascii: "\n")) else { return [] }
            kept = kept[(newline + 1)...]
        }
        var text = String(decoding: kept, as: UTF8.self)
        if !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(Self.printable)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `line` with control characters (escape sequences, carriage returns, backspaces, NUL, C1 codes) and the
    /// bidirectional overrides that can make a log line lie about its content replaced by U+FFFD. A tab stays.
    static func printable(_ line: Substring) -> String {
        var result = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            let isControl = scalar.properties.generalCategory == .control && scalar != "\t"
            let isBidiControl = (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            result.append(isControl || isBidiControl ? "\u{FFFD}" : scalar)
        }
        return String(result)
    }
}
