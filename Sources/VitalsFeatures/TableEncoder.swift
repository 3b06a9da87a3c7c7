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
/// A column is numeric when every non-missing value parses as a finite number; otherwise
/// it is categorical. Text columns with more than `maximumLevels` distinct values are left
/// out with a warning (they are identifiers, not categories).
public struct TableEncoder: Sendable, Equatable, Codable {
    public static let missingLevel = "__missing__"
    public static let otherLevel = "__other__"
    /// Default 100.
    public static let maximumLevels = 100

    public let columns: [EncodedColumn]

    public init(columns: [EncodedColumn]) {
        self.columns = columns
    }

    public var featureNames: [String] { columns.flatMap(\.featureNames) }

    /// Learns the encoding of every column of `table` except `excluded` (label, id).
    public static func fit(_ table: FeatureTable, excluding excluded: Set<String>) throws(TableError)
        -> (encoder: TableEncoder, warnings: [String])
    {
        var columns: [EncodedColumn] = [], warnings: [String] = []
        for (c, name) in table.header.enumerated() where !excluded.contains(name) {
            let values = table.columns[c]
            let present = values.filter { !$0.isEmpty }
            let numbers = present.compactMap(Double.init).filter(\.isFinite)
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
        return (TableEncoder(columns: columns), warnings)
    }

    /// The design matrix (rows × featureNames.count) of a table with the training encoding.
    ///
    /// - Throws: when the table lacks a source column the model needs, or a numeric column
    ///   holds text (with the line and column).
    public func transform(_ table: FeatureTable) throws(TableError) -> Matrix {
        let width = featureNames.count
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
                    if text.isEmpty {
                        x[r, offset] = imputation
                        if indicator { x[r, offset + 1] = 1 }
                    } else if let value = Double(text), value.isFinite {
                        x[r, offset] = value
                    } else {
                        throw TableError(path: table.path, line: table.lines[r], column: column.source,
                                         message: "'\(text)' is not a finite number, and the model reads this column as numeric")
                    }
                }
                offset += indicator ? 2 : 1
            case let .categorical(levels):
                let position = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
                for (r, text) in values.enumerated() {
                    // Unseen levels (and missing values when training had none) are the reserved level: no indicator.
                    if let k = position[text.isEmpty ? Self.missingLevel : text] { x[r, offset + k] = 1 }
                }
                offset += levels.count
            }
        }
        return x
    }
}
