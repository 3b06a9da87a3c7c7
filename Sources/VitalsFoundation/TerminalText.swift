/// Text from data, made safe to print on a terminal: every control character (C0, DEL and
/// C1, which a terminal would obey: an escape sequence can clear the screen or set the
/// window title) and every Unicode line, paragraph or bidirectional control is shown
/// escaped instead (`\e`, `\n`, `\x07`, `\u{202E}`), so a name prints as one line of
/// visible characters and a table keeps its columns.
public enum TerminalText {
    /// Whether `s` holds a character `escaped` would rewrite.
    public static func hasControlCharacters(_ s: String) -> Bool {
        s.unicodeScalars.contains(where: isControl)
    }

    /// `s` with its control characters escaped; `keepingNewlines` leaves line feeds (for
    /// messages of several lines; never for a table cell).
    public static func escaped(_ s: String, keepingNewlines: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            guard isControl(scalar), !(keepingNewlines && scalar == "\n") else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\u{1B}": out += "\\e"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true  // line and paragraph separators
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // bidirectional controls
        default: return false
        }
    }
}
