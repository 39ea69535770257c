/// Describes a value by its shape instead of its text, for errors about a field where someone may have pasted a
/// secret (a token in the `uuid` column): "34 hex characters", never the characters themselves.
public enum ValueShape {
    /// "32 hex characters", "36 characters: letters, digits and '-'", "an empty value".
    public static func describe(_ text: String) -> String {
        let count = text.unicodeScalars.count
        guard count > 0 else { return "an empty value" }
        let noun = count == 1 ? "character" : "characters"
        if text.utf8.allSatisfy(isHexDigit) { return "\(count) hex \(noun)" }
        var classes: [String] = []
        let scalars = text.unicodeScalars
        if scalars.contains(where: { $0.properties.isAlphabetic }) { classes.append("letters") }
        if scalars.contains(where: { $0.properties.numericType != nil }) { classes.append("digits") }
        if scalars.contains(where: { $0.properties.isWhitespace }) { classes.append("spaces") }
        let punctuation = Set(
            scalars.filter {
                !$0.properties.isAlphabetic && $0.properties.numericType == nil && !$0.properties.isWhitespace
            }.map { $0.isASCII && $0.value >= 0x21 && $0.value < 0x7f ? "'\(Character($0))'" : "other symbols" })
        classes += punctuation.sorted()
        let list =
            classes.count <= 1 ? classes.joined() : classes.dropLast().joined(separator: ", ") + " and " + classes.last!
        return "\(count) \(noun): \(list)"
    }

    /// Whether `text` could be a token or password rather than the date, uuid or name a field expects: at least
    /// 16 characters from a token alphabet (letters, digits, `+/=_-`) mixing letters and digits. Such text is
    /// described by ``describe(_:)`` in errors, never shown.
    public static func mayBeSecret(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 16 else { return false }
        let alphabet = bytes.allSatisfy { isLetter($0) || isDigit($0) || "+/=_-".utf8.contains($0) }
        return alphabet && bytes.contains(where: isLetter) && bytes.contains(where: isDigit)
    }

    /// The value in quotes where that is safe, else its shape.
    public static func quotedOrShape(_ text: String) -> String {
        mayBeSecret(text) ? "a value of \(describe(text))" : "\"\(text)\""
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }
    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
    private static func isLetter(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (97...122).contains(byte) }
}
