import Foundation
import VitalsFoundation
import VitalsLinearAlgebra

/// How one source column of a feature table becomes model features.
public enum ColumnEncoding: Sendable, Equatable, Codable {
    /// Used as it is. A missing value gets `imputation` (the training median), and, when
    /// the training data had missing values, a `<name>__missing` indicator column.
    case numeric(imputation: Double, missingIndicator: Bool)
    /// One indicator per training level (`<name>=<level>`, missing values as the level
    /// `__missing__` when training had them). A level never seen in training goes to the
    /// reserved level `__other__`, which has no column: all indicators 0.
    case categorical(levels: [String])
}

/// One source column and its encoding.
public struct EncodedColumn: Sendable, Equatable, Codable {
    public let source: String
    public let encoding: ColumnEncoding

    public init(source: String, encoding: ColumnEncoding) {
        self.source = source
        self.encoding = encoding
    }

    /// The model features this column produces, in order.
    public var featureNames: [String] {
        switch encoding {
        case let .numeric(_, indicator): return indicator ? [source, source + "__missing"] : [source]
        case let .categorical(levels): return levels.map { "\(source)=\($0)" }
        }
    }
}

/// Turns a `FeatureTable` into a numeric design matrix, with the encoding learned on the
/// training table and stored in the model, so scoring encodes new rows the same way.
///
/// A column is numeric when every non-missing value parses as a finite number, unless it is
/// declared categorical; otherwise it is categorical. Text columns with more than
/// `maximumLevels` distinct values are left out with a warning (they are identifiers, not
/// categories), and so are columns of dates (a date is when a row was taken, not a trait).
public struct TableEncoder: Sendable, Equatable, Codable {
    public static let missingLevel = "__missing__"
    public static let otherLevel = "__other__"
    /// Default 100.
    public static let maximumLevels = 100
    /// The texts read as a missing value by default: the empty field and the usual
    /// spellings of "not available" that exports write (pandas reads most of them so).
    public static let defaultMissingValues = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"]

    public let columns: [EncodedColumn]
    /// The texts that mean a missing value; nil in files written before it was configurable,
    /// which read only the empty field so.
    public let missingValues: [String]?

    enum CodingKeys: String, CodingKey { case columns, missingValues = "missing_values" }

    public init(columns: [EncodedColumn], missingValues: [String]? = nil) {
        self.columns = columns
        self.missingValues = missingValues
    }

    public var featureNames: [String] { columns.flatMap(\.featureNames) }

    /// Whether a field's text is a missing value under `missingValues`.
    func missingTest() -> (String) -> Bool {
        let tokens = Set(missingValues ?? [""])
        return { tokens.contains($0) }
    }

    /// Whether a text reads as a calendar date: `2024-01-31`, `2024/01/31` or `31/01/2024`
    /// (a time of day may follow).
    static func looksLikeDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(10))
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { $0 < bytes.count && bytes[$0] >= 48 && bytes[$0] <= 57 } }
        guard bytes.count == 10 else { return false }
        if digits(0..<4), bytes[4] == bytes[7], bytes[4] == UInt8(ascii: "-") || bytes[4] == UInt8(ascii: "/"), digits(5..<7), digits(8..<10) { return true }
        return digits(0..<2) && bytes[2] == UInt8(ascii: "/") && digits(3..<5) && bytes[5] == UInt8(ascii: "/") && digits(6..<10)
    }

    /// Learns the encoding of every column of `table` except `excluded` (label, id, time,
    /// declared exclusions).
    ///
    /// - Parameters:
    ///   - categorical: columns one-hot encoded even when every value is a number (codes).
    ///   - missingValues: the texts that mean a missing value.
    public static func fit(_ table: FeatureTable, excluding excluded: Set<String>, categorical: Set<String> = [],
                           missingValues: [String] = defaultMissingValues) throws(TableError)
        -> (encoder: TableEncoder, warnings: [String])
    {
        var columns: [EncodedColumn] = [], warnings: [String] = []
        let isMissing = TableEncoder(columns: [], missingValues: missingValues).missingTest()
        for name in categorical.sorted() where table.columnIndex(name) == nil {
            throw TableError(path: table.path, message: "features.categorical names \(name), which the table lacks")
        }
        for (c, name) in table.header.enumerated() where !excluded.contains(name) {
            let values = table.columns[c].map { isMissing($0) ? "" : $0 }
            let present = values.filter { !$0.isEmpty }
            let numbers = categorical.contains(name) ? [] : present.compactMap(Double.init).filter(\.isFinite)
            if !present.isEmpty, numbers.count < present.count, present.allSatisfy(looksLikeDate) {
                warnings.append("column \(name) holds dates; left out of the features (give it as --time or features.time_column to order the rows by it)")
                continue
            }
            if numbers.count == present.count && !present.isEmpty {
                let median = Statistics.median(numbers)!
                columns.append(EncodedColumn(source: name, encoding: .numeric(imputation: median, missingIndicator: present.count < values.count)))
            } else if present.isEmpty {
                warnings.append("column \(name) is empty in every row; left out")
            } else {
                var levels = Array(Set(present)).sorted()
                if levels.count > maximumLevels {
                    warnings.append("column \(name) has \(levels.count) distinct text values (more than \(maximumLevels)); left out as an identifier — make it the id column if it is one")
                    continue
                }
                if present.count < values.count { levels.append(missingLevel) }
                columns.append(EncodedColumn(source: name, encoding: .categorical(levels: levels)))
            }
        }
        guard !columns.isEmpty else { throw TableError(path: table.path, message: "no feature columns left to train on") }
        return (TableEncoder(columns: columns, missingValues: missingValues), warnings)
    }

    /// The design matrix (rows × featureNames.count) of a table with the training encoding.
    ///
    /// - Throws: when the table lacks a source column the model needs, or a numeric column
    ///   holds text (with the line and column).
    public func transform(_ table: FeatureTable) throws(TableError) -> Matrix {
        let width = featureNames.count
        let isMissing = missingTest()
        var x = Matrix(rows: table.rowCount, columns: width)
        var offset = 0
        for column in columns {
            guard let c = table.columnIndex(column.source) else {
                throw TableError(path: table.path, column: column.source, message: "the table lacks column \(column.source), which the model needs")
            }
            let values = table.columns[c]
            switch column.encoding {
            case let .numeric(imputation, indicator):
                for (r, text) in values.enumerated() {
                    if isMissing(text) {
                        x[r, offset] = imputation
                        if indicator { x[r, offset + 1] = 1 }
                    } else if let value = Double(text), value.isFinite {
                        x[r, offset] = value
                    } else {
                        throw TableError(path: table.path, line: table.lines[r], column: column.source,
                                         message: "'\(text)' is not a finite number, and the model reads this column as numeric "
                                            + "(missing values are \((missingValues ?? [""]).map { "'\($0)'" }.joined(separator: ", ")))")
                    }
                }
                offset += indicator ? 2 : 1
            case let .categorical(levels):
                let position = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
                for (r, text) in values.enumerated() {
                    // Unseen levels (and missing values when training had none) are the reserved level: no indicator.
                    if let k = position[isMissing(text) ? Self.missingLevel : text] { x[r, offset + k] = 1 }
                }
                offset += levels.count
            }
        }
        return x
    }
}
