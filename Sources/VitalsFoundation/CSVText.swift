/// How Vitals writes a CSV field, in every CSV it writes (score files, lists, feature tables).
///
/// RFC 4180: a field holding a comma, a double quote or a line break (LF or CR) is quoted, with
/// its quotes doubled; any other field is written as it is. A number is written in its
/// shortest form that reads back exactly: an integral value below 10¹⁵ without a decimal point
/// (`12`), any other as Swift prints a Double (`0.25`, `1e-05`), so ties and exact values survive.
public enum CSVText {
    /// Whether `s` must be quoted.
    public static func needsQuotes<S: Sequence>(_ utf8: S) -> Bool where S.Element == UInt8 {
        utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
    }

    /// Appends field `s`, quoted when it needs to be.
    public static func appendField(_ s: String, to out: inout [UInt8]) {
        let bytes = s.utf8
        guard needsQuotes(bytes) else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(34)
        for b in bytes {
            if b == 34 { out.append(34) }
            out.append(b)
        }
        out.append(34)
    }

    /// Field `s` as text, quoted when it needs to be.
    public static func field(_ s: String) -> String {
        var out: [UInt8] = []
        appendField(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A text cell as a spreadsheet must see it: one that begins with `=`, `+`, `-`, `@`, a tab
    /// or a carriage return (what Excel, LibreOffice and Google Sheets would run as a formula)
    /// gets a leading `'`, OWASP's advice against CSV injection, so it is shown as text. So
    /// does one that begins with `'` itself, which makes `unneutralized` exact.
    public static func neutralized(_ s: String) -> String {
        guard let first = s.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13, UInt8(ascii: "'")]
            .contains(first) else { return s }
        return "'" + s
    }

    /// The text of a cell `neutralized` wrote.
    public static func unneutralized(_ s: String) -> String {
        s.utf8.first == UInt8(ascii: "'") ? String(s.dropFirst()) : s
    }

    /// Appends text cell `s` of a CSV meant for people and their spreadsheets: neutralized,
    /// then quoted when it needs to be.
    public static func appendCell(_ s: String, to out: inout [UInt8]) {
        appendField(neutralized(s), to: &out)
    }

    /// The shortest exact form of `x` (see the type's description).
    public static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}
