import VitalsFoundation
import VitalsScoring

/// A list as one JSON document, written by hand rather than by `JSONEncoder` because the
/// shared output schema (docs/schema/) asks two things the encoder cannot give: every key in
/// every object, `null` when there is no value (the encoder leaves a nil out), and money with
/// two decimals (`49606.00`; the encoder writes a whole amount as `49606`, which a reader that
/// infers types takes for an integer). Keys are sorted and the layout is the encoder's
/// pretty-printed one, so the bytes are stable.
indirect enum JSONDocument: Equatable {
    case object([String: JSONDocument])
    case array([JSONDocument])
    case string(String)
    case number(Double)
    case integer(Int)
    case money(Double)
    case bool(Bool)
    case null

    static func string(_ s: String?) -> JSONDocument { s.map { .string($0) } ?? .null }
    static func number(_ x: Double?) -> JSONDocument { x.map { .number($0) } ?? .null }
    static func integer(_ n: Int?) -> JSONDocument { n.map { .integer($0) } ?? .null }
    static func money(_ x: Double?) -> JSONDocument { x.map { .money($0) } ?? .null }

    /// Drivers as every JSON output writes them: `[{"contribution": …, "feature": …, "phrase": …}]`.
    static func drivers(_ drivers: [RankedDriver]) -> JSONDocument {
        .array(drivers.map { .object(["feature": .string($0.feature), "contribution": .number($0.contribution), "phrase": .string($0.phrase)]) })
    }

    /// Pretty-printed, keys sorted, with a final newline.
    var text: String {
        var out = ""
        write(to: &out, indent: "")
        return out + "\n"
    }

    private func write(to out: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case let .object(fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (k, key) in fields.keys.sorted().enumerated() {
                out += inner + ScoreTable.quote(key) + " : "
                fields[key]!.write(to: &out, indent: inner)
                out += k == fields.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        case let .array(items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (k, item) in items.enumerated() {
                out += inner
                item.write(to: &out, indent: inner)
                out += k == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case let .string(s): out += ScoreTable.quote(s)
        case let .number(x): out += x.isFinite ? CSVText.number(x) : "null"
        case let .integer(n): out += String(n)
        case let .money(x): out += x.isFinite ? ScoreTable.moneyText(x) : "null"
        case let .bool(b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}
