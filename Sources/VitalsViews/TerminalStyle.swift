import VitalsFoundation

/// How text output is laid out: the width it must fit (80 or 120 columns are the two
/// layouts) and whether ANSI colour is used. The CLI decides colour: only on a TTY, and
/// never when `NO_COLOR` is set (https://no-color.org).
public struct TerminalStyle: Sendable, Equatable {
    public enum Color: String, Sendable {
        case red = "31", yellow = "33", green = "32", dim = "2", bold = "1"
    }

    public var width: Int
    public var color: Bool

    public init(width: Int = 80, color: Bool = false) {
        self.width = width
        self.color = color
    }

    /// The wide layout is used from 120 columns.
    public var isWide: Bool { width >= 120 }

    func paint(_ text: String, _ color: Color?) -> String {
        guard self.color, let color else { return text }
        return "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m"
    }

    func bandColor(_ band: RiskBand) -> Color? {
        switch band {
        case .high: return .red
        case .medium: return .yellow
        case .low: return .green
        }
    }
}

/// A fixed-width cell: cut to `width` with an ellipsis, padded left or right. Control
/// characters in the text (it may come from data) are shown escaped.
func cell(_ text: String, _ width: Int, right: Bool = false) -> String {
    var s = TerminalText.escaped(text)
    if s.count > width { s = width > 1 ? String(s.prefix(width - 1)) + "…" : String(s.prefix(width)) }
    let pad = String(repeating: " ", count: width - s.count)
    return right ? pad + s : s + pad
}

/// Words wrapped to `width` columns after `indent`, at most `maxLines` lines (the last cut
/// with an ellipsis when the text does not fit).
func wrap(_ text: String, width: Int, indent: String, maxLines: Int = 2) -> [String] {
    let room = max(width - indent.count, 10)
    var lines: [String] = [], line = ""
    for word in TerminalText.escaped(text).split(separator: " ", omittingEmptySubsequences: true) {
        if line.isEmpty { line = String(word) } else if line.count + 1 + word.count <= room { line += " " + word } else {
            lines.append(line)
            line = String(word)
        }
    }
    if !line.isEmpty { lines.append(line) }
    if lines.count > maxLines {
        lines = Array(lines.prefix(maxLines))
        lines[maxLines - 1] = cell(lines[maxLines - 1] + " …", room).trimmingTrailingSpaces
    }
    return lines.map { indent + cell($0, room).trimmingTrailingSpaces }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// `82.1%`.
func percentText(_ p: Double) -> String { String(format: "%.1f%%", p * 100) }

/// A change in probability in percentage points with its direction: `▲ +4.2`, `▼ -1.0`, `= 0.0`; `—` when unknown.
func changeText(_ change: Double?) -> (text: String, color: TerminalStyle.Color?) {
    guard let change else { return ("—", nil) }
    let points = (change * 1000).rounded() / 10
    if points > 0 { return ("▲ " + String(format: "+%.1f", points), .red) }
    if points < 0 { return ("▼ " + String(format: "%.1f", points), .green) }
    return ("= 0.0", .dim)
}

/// Something people read as a table and tools read as CSV or JSON.
public protocol RenderedList {
    func table(style: TerminalStyle) -> String
    func csv() -> String
    func json() throws -> String
}

extension AtRiskList: RenderedList {}
extension ProjectList: RenderedList {}
extension ScoreTrend: RenderedList {}
