import Foundation
import VitalsFoundation

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

    /// RFC 4180 CSV with a header, fields and numbers written as `CSVText` says (probabilities
    /// to 6 decimals would lose ties; the shortest exact form keeps them); missing values are empty fields.
    public func csv() -> String { String(decoding: csvBytes(), as: UTF8.self) }

    /// One JSON object per line, keys in column order; missing values are `null`.
    public func jsonLines() -> String { String(decoding: jsonLinesBytes(), as: UTF8.self) }

    // Both are built as bytes: a score file has a row per account, and per-Character String
    // work (grapheme breaking) cost more than the scoring itself on a large book.
    func csvBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 160)
        out.append(contentsOf: columns.joined(separator: ",").utf8)
        out.append(10)
        for row in rows {
            for (k, value) in row.enumerated() {
                if k > 0 { out.append(44) }
                switch value {
                case let .text(s): CSVText.appendCell(s, to: &out)
                case let .number(x): out.append(contentsOf: CSVText.number(x).utf8)
                case let .integer(n): out.append(contentsOf: String(n).utf8)
                case .missing: break
                }
            }
            out.append(10)
        }
        return out
    }

    func jsonLinesBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 320)
        let keys = columns.map { Array(Self.quote($0).utf8) + [58] }
        for row in rows {
            out.append(123)
            for (k, value) in row.enumerated() {
                if k > 0 { out.append(44) }
                out.append(contentsOf: keys[k])
                switch value {
                case let .text(s): Self.appendQuoted(s, to: &out)
                case let .number(x): out.append(contentsOf: (x.isFinite ? CSVText.number(x) : "null").utf8)
                case let .integer(n): out.append(contentsOf: String(n).utf8)
                case .missing: out.append(contentsOf: "null".utf8)
                }
            }
            out.append(contentsOf: [125, 10])
        }
        return out
    }

    /// A value that is not a finite number, which no score file may hold.
    public struct NonFinite: Error, CustomStringConvertible {
        public let row: Int
        public let column: String
        public var description: String {
            "row \(row) of the scores has a \(column) that is not a finite number; nothing was written (this is a bug or data past the contract's ranges)"
        }
    }

    /// `<stem>.csv` and `<stem>.jsonl`, checked first: every number finite.
    public func files(stem: String) throws -> [(name: String, data: Data)] {
        for (r, row) in rows.enumerated() {
            for (k, value) in row.enumerated() {
                if case let .number(x) = value, !x.isFinite { throw NonFinite(row: r + 1, column: columns[k]) }
            }
        }
        return [(stem + ".csv", Data(csvBytes())), (stem + ".jsonl", Data(jsonLinesBytes()))]
    }

    /// Writes `<stem>.csv` and `<stem>.jsonl` in `directory` (created when missing) as one
    /// unit, under the folder's lock (`ScoreFolder`).
    public func write(directory: String, stem: String) throws -> [String] {
        let folder = ScoreFolder(directory: directory)
        let created = try folder.create()
        do {
            let lock = try folder.lock()
            defer { lock.release() }
            _ = try folder.recover()
            return try folder.publish(try files(stem: stem), history: nil)
        } catch {
            if created { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
    }

    /// A JSON string literal, escaped as `quote` does, appended as bytes.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        let bytes = s.utf8
        if !bytes.contains(where: { $0 < 0x20 || $0 == 34 || $0 == 92 }) {
            out.append(34)
            out.append(contentsOf: bytes)
            out.append(34)
        } else {
            out.append(contentsOf: quote(s).utf8)
        }
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
