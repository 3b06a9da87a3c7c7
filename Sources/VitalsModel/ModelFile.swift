// VitalsModel: the model file. Self-describing canonical JSON with a content-hash id, checked
// on load (damage, version, hash, bytes); the data fingerprint; and a signals model's spec,
// which stores the feature recipe so scoring featurizes exactly as training did.

import Foundation
import VitalsAdditive
import VitalsFeatures
import VitalsFoundation
import VitalsLogistic

/// What a model file was trained for: a risk task on a signals directory, or the label of
/// a data team's own feature table. Written in the file's `task` field as `churn`,
/// `overrun` or `table`, which also prefixes the model id.
public enum ModelKind: Sendable, Equatable, Codable {
    case signals(RiskTask)
    /// A model trained with `--table` on a data team's own feature table.
    case table

    /// `churn`, `overrun` or `table`.
    public var name: String {
        switch self {
        case let .signals(task): return task.rawValue
        case .table: return "table"
        }
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        if name == "table" {
            self = .table
        } else if let task = RiskTask(rawValue: name) {
            self = .signals(task)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown task '\(name)'"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// A model file: JSON, self-describing, and checked when loaded.
///
/// It carries everything scoring needs (the feature encoding, the fitted model with its
/// standardization and calibration) and everything an auditor needs (the training
/// config, a fingerprint of the input data, the snapshot range, backtest metrics).
/// `modelID` is a hash of the rest of the content, so an edit that does not update it
/// is detected on load.
public struct ModelFile: Sendable, Equatable, Codable {
    /// Files of a newer format are refused: their meaning may have changed.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// `<task>-<16 hex digits>`: the first 64 bits of the SHA-256 of the file's canonical
    /// JSON with this field empty.
    public var modelID: String
    /// `task` in the file.
    public var kind: ModelKind
    /// The program that wrote the file, e.g. `vitals 0.1.0`.
    public var createdBy: String
    /// How source columns become features (`--table` models).
    public var encoding: TableEncoder?
    /// How a signals directory becomes features (models trained on signals).
    public var signals: SignalsModelSpec?
    /// The label column and id column of a `--table` model.
    public var labelColumn: String?
    public var idColumn: String?
    public var model: FittedRiskModel
    /// The training configuration, key by key, as read.
    public var config: [String: String]
    public var data: DataFingerprint
    /// Named figures from the training run and backtest (AUC, log loss, …).
    public var metrics: [String: Double]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", modelID = "model_id", kind = "task", createdBy = "created_by"
        case encoding, signals, labelColumn = "label_column", idColumn = "id_column", model, config, data, metrics
    }

    public init(kind: ModelKind, createdBy: String, encoding: TableEncoder?, labelColumn: String?, idColumn: String?,
                model: FittedRiskModel, config: [String: String], data: DataFingerprint, metrics: [String: Double]) {
        self.formatVersion = Self.currentFormatVersion
        self.modelID = ""
        self.kind = kind
        self.createdBy = createdBy
        self.encoding = encoding
        self.signals = nil
        self.labelColumn = labelColumn
        self.idColumn = idColumn
        self.model = model
        self.config = config
        self.data = data
        self.metrics = metrics
    }
}

/// A model given data of the other kind: a signals model and a feature table.
public enum ModelKindError: Error, Equatable, CustomStringConvertible {
    case notATableModel(model: String, table: String)

    public var description: String {
        switch self {
        case let .notATableModel(model, table): return "\(table): model \(model) was trained on a signals directory, not a table"
        }
    }
}

extension ModelFile {
    /// The label texts of a table model's two classes, as its config recorded them (the
    /// defaults for files written before they were configurable).
    public var tableLabelTexts: (positive: [String], negative: [String]) {
        func texts(_ key: String, _ fallback: [String]) -> [String] {
            guard let value = config[key], value.hasPrefix("["), value.hasSuffix("]") else { return fallback }
            let inner = value.dropFirst().dropLast()
            return inner.isEmpty ? fallback : inner.components(separatedBy: ", ")
        }
        return (texts("labels.positive", FeatureTable.defaultPositiveLabels), texts("labels.negative", FeatureTable.defaultNegativeLabels))
    }

    /// The risk task of a model trained on signals; nil for a table model.
    public var riskTask: RiskTask? {
        if case let .signals(task) = kind { return task }
        return nil
    }
}

/// Where the training data came from: one SHA-256 per input file and one over all of them.
public struct DataFingerprint: Sendable, Equatable, Codable {
    public struct File: Sendable, Equatable, Codable {
        public let name: String
        public let bytes: Int
        public let sha256: String

        public init(name: String, bytes: Int, sha256: String) {
            self.name = name
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    public let files: [File]
    /// SHA-256 over the files' names and hashes, in name order.
    public let sha256: String
    /// The snapshot dates (or rows) trained on, e.g. "2024-04-30 … 2025-06-30".
    public let range: String
    public let rows: Int
    public let positives: Int

    public init(files: [File], sha256: String, range: String, rows: Int, positives: Int) {
        self.files = files
        self.sha256 = sha256
        self.range = range
        self.rows = rows
        self.positives = positives
    }
}
