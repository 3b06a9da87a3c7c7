import Foundation
import VitalsModel

/// Rows of scores with named fields, written as CSV and as JSON Lines with the same
/// fields (what dashboards ingest). Both files are written whole or not at all.
public struct ScoreTable: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double)
        case integer(Int)
        case missing
    }

    public let columns: [String]
    public var rows: [[Value]]

    public init(columns: [String], rows: [[Value]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// RFC 4180 CSV with a header; a field with a comma, quote or line break is quoted.
    /// Numbers use their shortest exact form; missing values are empty fields.
    public func csv() -> String {
        func field(_ value: Value) -> String {
            switch value {
            case let .text(s):
                return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            case let .number(x): return Self.format(x)
            case let .integer(k): return "\(k)"
            case .missing: return ""
            }
        }
        var out = columns.joined(separator: ",") + "\n"
        for row in rows { out += row.map(field).joined(separator: ",") + "\n" }
        return out
    }

    /// One JSON object per line, keys in column order; missing values are `null`.
    public func jsonLines() -> String {
        func json(_ value: Value) -> String {
            switch value {
            case let .text(s): return Self.quote(s)
            case let .number(x): return x.isFinite ? Self.format(x) : "null"
            case let .integer(k): return "\(k)"
            case .missing: return "null"
            }
        }
        let keys = columns.map(Self.quote)
        return rows.map { row in "{" + zip(keys, row).map { "\($0):\(json($1))" }.joined(separator: ",") + "}\n" }.joined()
    }

    /// Writes `<stem>.csv` and `<stem>.jsonl` in `directory`, each atomically.
    public func write(directory: String, stem: String) throws -> [String] {
        let csvPath = (directory as NSString).appendingPathComponent(stem + ".csv")
        let jsonPath = (directory as NSString).appendingPathComponent(stem + ".jsonl")
        try AtomicFile.write(Data(csv().utf8), to: csvPath)
        try AtomicFile.write(Data(jsonLines().utf8), to: jsonPath)
        return [csvPath, jsonPath]
    }

    /// Probabilities to 6 significant decimals would lose ties; the shortest round-trip form keeps them exact.
    static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
