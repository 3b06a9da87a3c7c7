import VitalsFoundation
import VitalsSignals

/// A problem in a feature table, located to file, line and column.
public struct TableError: Error, Equatable, CustomStringConvertible {
    /// Whether the file could not be read at all, or was read and breaks a rule.
    public enum Kind: Sendable, Equatable { case unreadable, invalid }

    public let kind: Kind
    public let path: String
    /// 1-based physical line, 0 when the problem is not on one line.
    public let line: Int
    /// The column's header name, empty when the problem is not in one column.
    public let column: String
    public let message: String

    public init(_ kind: Kind = .invalid, path: String, line: Int = 0, column: String = "", message: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(path):\(line)" : path
        return column.isEmpty ? "\(place): \(message)" : "\(place): \(column): \(message)"
    }
}

/// A CSV feature table brought by a data team: a header row and one row per example,
/// kept as text until an encoder decides what each column is.
///
/// - Rules: RFC 4180 (as the signals files); the header names are unique and non-empty;
///   every row has as many fields as the header. An empty or all-blank field is missing.
public struct FeatureTable: Sendable, Equatable {
    public let path: String
    public let header: [String]
    /// columns[c][r]: the text of column c in row r, surrounding spaces trimmed.
    public let columns: [[String]]
    /// The physical line of each row, for error messages.
    public let lines: [Int]

    public var rowCount: Int { lines.count }

    public init(path: String, header: [String], columns: [[String]], lines: [Int]) {
        self.path = path
        self.header = header
        self.columns = columns
        self.lines = lines
    }

    /// Reads a whole table.
    public static func read(path: String) throws(TableError) -> FeatureTable {
        do { _ = try InputFile.regular(path) } catch { throw TableError(.unreadable, path: path, message: error.reason) }
        let scanner: CSVScanner
        do { scanner = try CSVScanner(path: path) } catch { throw TableError(.unreadable, path: path, message: "cannot read: \(error.reason)") }
        func nextRecord() throws(TableError) -> Bool {
            do {
                let more = try scanner.next()
                if more, let fault = scanner.fault {
                    throw TableError(path: path, line: fault.line, message: "malformed CSV (\(fault.kind.rawValue)) in field \(fault.field + 1)")
                }
                return more
            } catch let error as TableError {
                throw error
            } catch {
                throw TableError(.unreadable, path: path, message: "cannot read: \(error)")
            }
        }
        guard try nextRecord() else { throw TableError(path: path, line: 1, message: "the file is empty; it needs a header row") }
        let header = scanner.fields.map { $0.trimmingSpaces }
        for (c, name) in header.enumerated() {
            if name.isEmpty { throw TableError(path: path, line: scanner.recordLine, message: "header field \(c + 1) is empty") }
            if header[..<c].contains(name) {
                throw TableError(path: path, line: scanner.recordLine, column: name, message: "the header names this column twice")
            }
        }
        var columns = [[String]](repeating: [], count: header.count)
        var lines: [Int] = []
        while try nextRecord() {
            guard scanner.fieldCount == header.count else {
                throw TableError(path: path, line: scanner.recordLine,
                                 message: "\(scanner.fieldCount) fields, but the header has \(header.count)")
            }
            for c in 0..<header.count { columns[c].append(scanner.string(c).trimmingSpaces) }
            lines.append(scanner.recordLine)
        }
        return FeatureTable(path: path, header: header, columns: columns, lines: lines)
    }

    /// The index of a column by name (exact, as the header spells it).
    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// A column as 0/1 labels: `1/0`, `true/false`, `yes/no` in any case.
    /// The label texts of the positive class by default, compared ignoring case.
    public static let defaultPositiveLabels = ["1", "1.0", "true", "t", "yes", "y"]
    /// The label texts of the negative class by default, compared ignoring case.
    public static let defaultNegativeLabels = ["0", "0.0", "false", "f", "no", "n"]

    /// The 0/1 labels of column `name`: `positive` texts are 1, `negative` texts 0 (both
    /// compared ignoring case); anything else is an error naming the line.
    public func labels(_ name: String, positive: [String] = defaultPositiveLabels, negative: [String] = defaultNegativeLabels) throws(TableError)
        -> [Double]
    {
        guard let c = columnIndex(name) else {
            throw TableError(path: path, message: "no column named \(name) (the header has \(header.joined(separator: ", ")))")
        }
        let ones = Set(positive.map { $0.lowercased() }), zeros = Set(negative.map { $0.lowercased() })
        var labels: [Double] = []
        labels.reserveCapacity(rowCount)
        for (r, text) in columns[c].enumerated() {
            let key = text.lowercased()
            if ones.contains(key) { labels.append(1) } else if zeros.contains(key) { labels.append(0) } else {
                throw TableError(path: path, line: lines[r], column: name,
                                 message: "label '\(text)' is neither positive (\(positive.joined(separator: ", "))) nor negative "
                                    + "(\(negative.joined(separator: ", "))); set labels.positive and labels.negative in the config for other texts")
            }
        }
        return labels
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

extension FeatureTable {
    /// The rows in `range` (a time-ordered split, or a held-out block), same header.
    public func rows(_ range: Range<Int>) -> FeatureTable {
        FeatureTable(path: path, header: header, columns: columns.map { Array($0[range]) }, lines: Array(lines[range]))
    }

    /// The rows at `indices`, in that order, same header.
    public func rows(_ indices: [Int]) -> FeatureTable {
        FeatureTable(path: path, header: header, columns: columns.map { column in indices.map { column[$0] } }, lines: indices.map { lines[$0] })
    }

    /// The row order by column `name`'s time: dates (`2024-01-31`, a time of day may follow)
    /// or numbers, oldest first, ties in file order. Every row needs a value, and one kind.
    public func timeOrder(_ name: String) throws(TableError) -> [Int] {
        guard let c = columnIndex(name) else {
            throw TableError(path: path, message: "no time column named \(name) (the header has \(header.joined(separator: ", ")))")
        }
        var keys: [Double] = []
        keys.reserveCapacity(rowCount)
        let asDates = columns[c].first.map { Day(String($0.prefix(10))) != nil } ?? false
        for (r, text) in columns[c].enumerated() {
            let key: Double? = asDates ? Day(String(text.prefix(10))).map { Double($0.ordinal) } : Double(text).flatMap { $0.isFinite ? $0 : nil }
            guard let key else {
                throw TableError(path: path, line: lines[r], column: name,
                                 message: "'\(text)' is not a \(asDates ? "date (YYYY-MM-DD)" : "finite number"); the time column needs one in every row")
            }
            keys.append(key)
        }
        return keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
    }
}
