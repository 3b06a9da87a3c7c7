import Foundation
import VitalsAdditive
import VitalsFeatures
import VitalsFoundation
import VitalsLogistic
import VitalsMarkov
import Yams
import VitalsConfig

/// A training run's settings, read from `Training/churn.yaml` or `Training/overrun.yaml`.
///
/// Every key is one entry of `TrainingConfig.keys` (TrainingConfig+Keys.swift), which holds its
/// default, its rule, its meaning, how it is read and how it is written back into the model
/// file; the defaults (`init(task:)`), the parser (`parse`), the model file's copy
/// (`flattened`) and Training/README.md's key table (`keyTableMarkdown`) all come from it. An
/// unknown key or a bad value is an error that names the key and its line.
public struct TrainingConfig: Sendable {
    /// `task`.
    public var task: RiskTask
    /// `seed`: for anything random.
    public var seed: Int

    /// `labels.horizon_days`: churn within (D, D + H].
    public var horizonDays: Int
    /// `labels.curve_months`: churn: the months the churn curve reaches (0: no curve, a
    /// plain model of churn within the horizon).
    public var curveMonths: Int
    /// `labels.curve_landmark_every`: churn curves: each account's snapshots kept as
    /// landmarks, every n-th date, staggered across accounts.
    public var curveLandmarkEvery: Int
    /// `labels.cadence`: snapshot dates.
    public var cadence: Cadence
    /// `labels.tolerance`: overrun above budget × (1 + T).
    public var tolerance: Double
    /// `labels.grace_days`: overrun when ending later than planned + G.
    public var graceDays: Int

    /// `features.families`: which signal families feed the model (`TrainingConfig.families`).
    public var families: [FeatureFamily]

    /// `states.*`: the account health-state rule (churn).
    public var healthStates: HealthStateRule
    /// `phases.*`: the project phase rule (overrun).
    public var projectPhases: ProjectPhaseRule
    /// `states.smoothing`, `states.shrinkage`: how the chains are estimated.
    public var chain: MarkovChainEstimator

    /// `model.c`: inverse regularization strength.
    public var c: Double
    /// `model.select_c`: pick C by time-ordered cross-validation over `model.c_grid`.
    public var selectC: Bool
    /// `model.c_grid`.
    public var cGrid: [Double]
    /// `model.basis_grid`: the basis sizes (columns per spline) cross-validated at the chosen C.
    public var basisGrid: [Int]
    /// `model.cv_folds`: time-ordered folds for selecting C.
    public var cvFolds: Int
    /// `model.l1_ratio`.
    public var l1Ratio: Double
    /// `model.class_weight`: none or balanced.
    public var classWeight: ClassWeight
    /// `model.calibration`.
    public var calibration: CalibrationMethod
    /// `model.calibration_fraction`: the latest share of training rows held out to fit the calibration.
    public var calibrationFraction: Double
    /// `model.calibration_data`: which rows the calibration is fitted on.
    public var calibrationData: CalibrationData
    /// `model.shape`: linear or additive (a penalized spline per numeric feature).
    public var shape: ModelShape
    /// `model.basis_columns`, `model.spline_degree`, `model.smoothing`, `model.ridge`: the additive shapes.
    public var shapeSettings: ShapeSettings
    /// `model.interactions`: how many screened interactions to try (kept only when CV says so).
    public var interactions: Int
    /// `features.interactions`: declared pairs of feature names, always tried first.
    public var declaredInteractions: [(String, String)]
    /// `model.monotone`: enforce each feature's declared direction (the catalog's for signals,
    /// `features.monotone` for a table).
    public var monotone: Bool
    /// `features.monotone`: a table's declared directions, column by column.
    public var tableDirections: [(column: String, direction: RiskDirection)]
    /// `features.categorical`: a table's columns read as categories even when they hold numbers.
    public var categoricalColumns: [String]
    /// `features.exclude`: a table's columns never used as features.
    public var excludedColumns: [String]
    /// `features.missing_values`: the texts a table uses for a missing value.
    public var missingValues: [String]
    /// `features.time_column`: the table's column that orders its rows in time (nil: none).
    public var timeColumn: String?
    /// `labels.positive`, `labels.negative`: the label texts of a table's two classes.
    public var positiveLabels: [String]
    public var negativeLabels: [String]
    /// `model.max_iterations`.
    public var maxIterations: Int
    /// `model.tolerance`.
    public var solverTolerance: Double

    /// `evaluation.capacity`: k of precision@k, how many accounts (projects) the team can act on.
    public var capacity: Int
    /// `evaluation.risk_bands`: probability cut points between the low, medium and high risk bands.
    public var riskBands: RiskBands

    /// The families a config may name, in their usual order.
    public static let allowedFamilies: [FeatureFamily] = [.account, .usage, .support, .nps, .delivery, .markov]

    /// The defaults for a task: every key as if absent.
    public init(task: RiskTask) {
        self.init(unset: task)
        do {
            try Self.readKeys(from: Node([(Node, Node)]()), path: "", into: &self)
        } catch {
            preconditionFailure("the defaults break their own rules: \(error)")
        }
    }

    /// Every field holds a placeholder until the key table sets it.
    private init(unset task: RiskTask) {
        self.task = task
        seed = 0
        horizonDays = 0
        curveMonths = 0
        curveLandmarkEvery = 1
        cadence = task.defaultCadence
        tolerance = 0
        graceDays = 0
        families = []
        healthStates = HealthStateRule()
        projectPhases = ProjectPhaseRule()
        chain = MarkovChainEstimator()
        c = 0
        selectC = false
        cGrid = []
        basisGrid = []
        cvFolds = 0
        l1Ratio = 0
        classWeight = .none
        calibration = .automatic
        calibrationFraction = 0
        calibrationData = .automatic
        shape = .additive
        shapeSettings = ShapeSettings()
        monotone = true
        interactions = 0
        declaredInteractions = []
        tableDirections = []
        categoricalColumns = []
        excludedColumns = []
        missingValues = []
        timeColumn = nil
        positiveLabels = []
        negativeLabels = []
        maxIterations = 0
        solverTolerance = 0
        capacity = 0
        riskBands = .standard
    }

    /// The fit this config sets: the logistic core's parameters, the shape and its settings.
    public var estimator: RiskModelEstimator {
        RiskModelEstimator(
            logistic: LogisticRegression(c: c, l1Ratio: l1Ratio, classWeight: classWeight, tolerance: solverTolerance, maxIterations: maxIterations),
            shape: shape, shapeSettings: shapeSettings)
    }
}

/// Which rows a model's calibration is fitted on (`model.calibration_data`).
public enum CalibrationData: String, Sendable, CaseIterable {
    /// Cross-fitted for a table without a time column, held out otherwise.
    case automatic
    /// The latest `calibration_fraction` of the rows (signals: of the snapshot dates), never
    /// fitted on: they also absorb a drift in the base rate.
    case holdout
    /// Every row is fitted on; the calibration is fitted on the out-of-fold decision values
    /// of the cross-validation fits (`cv_folds`), so no row is spent on it alone.
    case crossFitted = "cross-fitted"
}

extension TrainingConfig: Equatable {
    public static func == (a: TrainingConfig, b: TrainingConfig) -> Bool { a.flattened == b.flattened }
}

extension TrainingConfig {
    /// The largest config file read: a config is a page of YAML.
    public static let maximumBytes = 1 << 20

    /// Reads a config file.
    public static func load(path: String) throws(ConfigError) -> TrainingConfig {
        do {
            _ = try InputFile.regular(path, maximumBytes: maximumBytes, what: "a training config")
        } catch {
            throw ConfigError(path: path, line: 0, key: "", message: error.isTooLarge ? "the file \(error.reason)" : error.reason, unreadable: !error.isTooLarge)
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(path: path, line: 0, key: "", message: "cannot read: \((error as NSError).localizedDescription)", unreadable: true)
        }
        return try parse(text, path: path)
    }

    /// Parses config text; `path` is only for messages.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> TrainingConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(path: path, line: 0, key: "", message: "the file is empty; it needs at least `task: churn` or `task: overrun`")
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(path: path, line: 0, key: "", message: "not valid YAML: \(error)")
        }
        var top = try ConfigReader(path: path, node: root)
        let taskName = try top.choice("task", default: "", from: RiskTask.allCases.map(\.rawValue))
        guard let task = RiskTask(rawValue: taskName) else {
            throw ConfigError(path: path, line: 0, key: "task", message: "is required: churn or overrun")
        }
        var config = TrainingConfig(unset: task)
        try readKeys(from: root, path: path, into: &config)
        return config
    }

    /// Reads every key of the table but `task` from `root` (a mapping) into `config`, section
    /// by section; an absent key takes its default.
    private static func readKeys(from root: Node, path: String, into config: inout TrainingConfig) throws(ConfigError) {
        var top = try ConfigReader(path: path, node: root)
        _ = try top.choice("task", default: "", from: RiskTask.allCases.map(\.rawValue))
        for section in sections {
            if let name = section.name {
                var reader = try top.section(name)
                for key in section.keys { try key.read(&reader, &config, key) }
                try reader.finish()
            } else {
                for key in section.keys where key.name != "task" { try key.read(&top, &config, key) }
            }
            try section.check(config, path)
        }
        try top.finish()
    }

    /// The config as flat `key: value` text, for the model file (keys as in the YAML).
    public var flattened: [String: String] {
        var out: [String: String] = [:]
        for key in Self.keys {
            for (name, value) in key.write(self, key) { out[name] = value }
        }
        return out
    }
}
