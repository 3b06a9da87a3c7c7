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

    /// The shortest exact form of `x` (see the type's description).
    public static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}
