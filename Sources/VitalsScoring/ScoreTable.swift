import Foundation
import VitalsFoundation

/// Rows of scores with named fields, written as CSV and as JSON Lines with the same
/// fields (what dashboards ingest). Both files are written whole or not at all.
///
/// Every output shares one schema (docs/schema/): every key is in every JSON row, `null`
/// when there is no value (an empty CSV field); money always has two decimals, so a reader
/// that infers types (DuckDB, pandas) infers one type whether or not some account has cents;
/// drivers are `feature:+0.26; …` in CSV and an array of {feature, contribution, phrase} in JSON.
public struct ScoreTable: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double)
        case integer(Int)
        /// An amount of money (ARR, ARR at risk), written with two decimals: `49606.00`.
        case money(Double)
        /// The top drivers, largest first.
        case drivers([Driver])
        case missing
    }

    /// One of the few things that raise a row's risk most: the feature group, its contribution
    /// to the log-odds and, where the views can say it (not for a feature table), the phrase in words.
    public struct Driver: Sendable, Equatable {
        public let feature: String
        public let contribution: Double
        public let phrase: String?

        public init(feature: String, contribution: Double, phrase: String?) {
            self.feature = feature
            self.contribution = contribution
            self.phrase = phrase
        }
    }

    /// Drivers as a CSV cell: `feature:+0.26; feature:+0.11` (two decimals, sign always written).
    public static func driversText(_ drivers: [Driver]) -> String {
        drivers.map { "\($0.feature):\(fixedDecimal($0.contribution, decimals: 2, sign: true))" }.joined(separator: "; ")
    }

    /// Money as both files write it: two decimals.
    public static func moneyText(_ x: Double) -> String { fixedDecimal(x, decimals: 2) }

    public let columns: [String]
    public var rows: [[Value]]

    public init(columns: [String], rows: [[Value]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// RFC 4180 CSV with a header, fields and numbers written as `CSVText` says (probabilities
    /// to 6 decimals would lose ties; the shortest exact form keeps them); missing values are empty fields.
    public func csv() -> String { String(decoding: collected(writeCSV), as: UTF8.self) }

    /// One JSON object per line, keys in column order; missing values are `null`.
    public func jsonLines() -> String { String(decoding: collected(writeJSONLines), as: UTF8.self) }

    /// About how many bytes a file is handed over in (`writeCSV`, `writeJSONLines`).
    public static let pieceBytes = 1 << 20

    /// Every piece `write` hands over, back to back.
    private func collected(_ write: (AtomicFile.Emit) throws -> Void) -> [UInt8] {
        var all: [UInt8] = []
        try! write { all.append(contentsOf: $0) }  // appending cannot fail
        return all
    }

    // Both are built as bytes: a score file has a row per account, and per-Character String
    // work (grapheme breaking) cost more than the scoring itself on a large book. They are
    // handed over in pieces of about `pieceBytes`, whole rows each, so a file of a million
    // rows is never held in memory.

    /// Hands `out` to `emit` and empties it (keeping its room) once it holds `bytes` or more.
    private static func handOver(_ out: inout [UInt8], to emit: AtomicFile.Emit, ifAtLeast bytes: Int) rethrows {
        guard out.count >= bytes else { return }
        try out.withUnsafeBytes(emit)
        out.removeAll(keepingCapacity: true)
    }

    /// The CSV file's bytes, in pieces.
    func writeCSV(_ emit: AtomicFile.Emit) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(Self.pieceBytes + 64 << 10)
        out.append(contentsOf: columns.joined(separator: ",").utf8)
        out.append(10)
        for row in rows {
            for (k, value) in row.enumerated() {
                if k > 0 { out.append(44) }
                switch value {
                case let .text(s): CSVText.appendCell(s, to: &out)
                case let .number(x): out.append(contentsOf: CSVText.number(x).utf8)
                case let .integer(n): out.append(contentsOf: String(n).utf8)
                case let .money(x): out.append(contentsOf: Self.moneyText(x).utf8)
                case let .drivers(d): CSVText.appendCell(Self.driversText(d), to: &out)
                case .missing: break
                }
            }
            out.append(10)
            try Self.handOver(&out, to: emit, ifAtLeast: Self.pieceBytes)
        }
        try Self.handOver(&out, to: emit, ifAtLeast: 1)
    }

    /// The JSON Lines file's bytes, in pieces.
    func writeJSONLines(_ emit: AtomicFile.Emit) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(Self.pieceBytes + 64 << 10)
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
                case let .money(x): out.append(contentsOf: (x.isFinite ? Self.moneyText(x) : "null").utf8)
                case let .drivers(d): Self.appendDrivers(d, to: &out)
                case .missing: out.append(contentsOf: "null".utf8)
                }
            }
            out.append(contentsOf: [125, 10])
            try Self.handOver(&out, to: emit, ifAtLeast: Self.pieceBytes)
        }
        try Self.handOver(&out, to: emit, ifAtLeast: 1)
    }

    /// A value that is not a finite number, which no score file may hold.
    public struct NonFinite: Error, CustomStringConvertible {
        public let row: Int
        public let column: String
        public var description: String {
            "row \(row) of the scores has a \(column) that is not a finite number; nothing was written (this is a bug or data past the contract's ranges)"
        }
    }

    /// `<stem>.csv` and `<stem>.jsonl`, checked first: every number finite. Each is formatted
    /// as `ScoreFolder.publish` writes it.
    public func files(stem: String) throws -> [ScoreFolder.Output] {
        for (r, row) in rows.enumerated() {
            for (k, value) in row.enumerated() {
                switch value {
                case let .number(x), let .money(x): if !x.isFinite { throw NonFinite(row: r + 1, column: columns[k]) }
                case let .drivers(d): if d.contains(where: { !$0.contribution.isFinite }) { throw NonFinite(row: r + 1, column: columns[k]) }
                default: break
                }
            }
        }
        let table = self
        return [ScoreFolder.Output(name: stem + ".csv") { emit in try table.writeCSV(emit) },
                ScoreFolder.Output(name: stem + ".jsonl") { emit in try table.writeJSONLines(emit) }]
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

    /// Drivers as a JSON array of `{"feature":…,"contribution":…,"phrase":…}` (phrase `null` when there is none).
    static func appendDrivers(_ drivers: [Driver], to out: inout [UInt8]) {
        out.append(91)
        for (k, d) in drivers.enumerated() {
            if k > 0 { out.append(44) }
            out.append(contentsOf: "{\"feature\":".utf8)
            appendQuoted(d.feature, to: &out)
            out.append(contentsOf: ",\"contribution\":\(d.contribution.isFinite ? CSVText.number(d.contribution) : "null"),\"phrase\":".utf8)
            if let phrase = d.phrase { appendQuoted(phrase, to: &out) } else { out.append(contentsOf: "null".utf8) }
            out.append(125)
        }
        out.append(93)
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

    public static func quote(_ s: String) -> String {
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
