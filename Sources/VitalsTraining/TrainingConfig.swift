import Foundation
import VitalsLogistic
import VitalsMarkov
import Yams

/// A training run's settings, read from `Training/churn.yaml` or `Training/overrun.yaml`
/// (every key documented in Training/README.md). Every key has a default; an unknown key
/// or a bad value is an error that names the key and its line.
public struct TrainingConfig: Sendable, Equatable {
    public enum Task: String, Sendable, CaseIterable { case churn, overrun }
    public enum Cadence: String, Sendable, CaseIterable { case monthly, weekly }

    /// `task`.
    public var task: Task
    /// `seed`: for anything random (cross-validation order ties, simulation in tests). Default 42.
    public var seed: Int

    /// `labels.horizon_days`: churn within (D, D + H]. Default 90.
    public var horizonDays: Int
    /// `labels.cadence`: snapshot dates. Default monthly.
    public var cadence: Cadence
    /// `labels.tolerance`: overrun above budget × (1 + T). Default 0.10.
    public var tolerance: Double
    /// `labels.grace_days`: overrun when ending later than planned + G. Default 14.
    public var graceDays: Int

    /// `features.families`: which signal families feed the model.
    public var families: [String]

    /// `states.*`: the account health-state rule (churn) and chain estimation.
    public var healthStates: HealthStateRule
    /// `phases.*`: the project phase rule (overrun).
    public var projectPhases: ProjectPhaseRule
    /// `states.smoothing`, `states.shrinkage`.
    public var chain: MarkovChainEstimator

    /// `model.c`: inverse regularization strength. Default 1.
    public var c: Double
    /// `model.select_c`: pick C by time-ordered cross-validation over `model.c_grid`. Default false.
    public var selectC: Bool
    /// `model.c_grid`. Default 0.01, 0.1, 1, 10.
    public var cGrid: [Double]
    /// `model.cv_folds`: time-ordered folds for selecting C. Default 3.
    public var cvFolds: Int
    /// `model.l1_ratio`. Default 0.
    public var l1Ratio: Double
    /// `model.class_weight`: none or balanced. Default none.
    public var classWeight: ClassWeight
    /// `model.calibration`. Default automatic.
    public var calibration: CalibrationMethod
    /// `model.calibration_fraction`: the latest share of training snapshots held out to fit the calibration. Default 0.2.
    public var calibrationFraction: Double
    /// `model.max_iterations`. Default 100.
    public var maxIterations: Int
    /// `model.tolerance`. Default 1e-8.
    public var solverTolerance: Double

    /// `evaluation.capacity`: k of precision@k, how many accounts (projects) the team can act on. Default 50.
    public var capacity: Int
    /// `evaluation.risk_bands`: probability cut points between the low, medium and high risk bands. Default 0.1, 0.3.
    public var riskBands: [Double]

    public static let allFamilies = ["account", "usage", "support", "nps", "delivery", "markov"]

    /// The defaults for a task.
    public init(task: Task) {
        self.task = task
        self.seed = 42
        self.horizonDays = 90
        self.cadence = task == .churn ? .monthly : .weekly
        self.tolerance = 0.10
        self.graceDays = 14
        self.families = Self.allFamilies
        self.healthStates = HealthStateRule()
        self.projectPhases = ProjectPhaseRule()
        self.chain = MarkovChainEstimator()
        self.c = 1
        self.selectC = false
        self.cGrid = [0.01, 0.1, 1, 10]
        self.cvFolds = 3
        self.l1Ratio = 0
        self.classWeight = .none
        self.calibration = .automatic
        self.calibrationFraction = 0.2
        self.maxIterations = 100
        self.solverTolerance = 1e-8
        self.capacity = 50
        self.riskBands = [0.1, 0.3]
    }

    /// The logistic-regression parameters this config sets.
    public var estimator: LogisticRegression {
        LogisticRegression(c: c, l1Ratio: l1Ratio, classWeight: classWeight, tolerance: solverTolerance, maxIterations: maxIterations)
    }
}

extension TrainingConfig {
    /// Reads a config file.
    public static func load(path: String) throws(ConfigError) -> TrainingConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(path: path, line: 0, key: "", message: "cannot read: \((error as NSError).localizedDescription)")
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
        let taskName = try top.choice("task", default: "", from: Task.allCases.map(\.rawValue))
        guard let task = Task(rawValue: taskName) else {
            throw ConfigError(path: path, line: 0, key: "task", message: "is required: churn or overrun")
        }
        var config = TrainingConfig(task: task)
        config.seed = try top.int("seed", default: 42, "must be an integer ≥ 0") { $0 >= 0 }

        var labels = try top.section("labels")
        config.horizonDays = try labels.int("horizon_days", default: 90, "must be an integer in 1…730") { (1...730).contains($0) }
        config.cadence = Cadence(rawValue: try labels.choice("cadence", default: config.cadence.rawValue, from: Cadence.allCases.map(\.rawValue)))!
        config.tolerance = try labels.double("tolerance", default: 0.10, "must be a number in [0, 5]") { (0...5).contains($0) }
        config.graceDays = try labels.int("grace_days", default: 14, "must be an integer ≥ 0") { $0 >= 0 }
        try labels.finish()

        var features = try top.section("features")
        config.families = try features.strings("families", default: allFamilies)
        if let unknown = config.families.first(where: { !allFamilies.contains($0) }) {
            throw ConfigError(path: path, line: 0, key: "features.families",
                              message: "unknown family '\(unknown)' (known: \(allFamilies.joined(separator: ", ")))")
        }
        try features.finish()

        var states = try top.section("states")
        var rule = HealthStateRule()
        rule.onboardingDays = try states.int("onboarding_days", default: 90, "must be an integer ≥ 0") { $0 >= 0 }
        rule.bands = try states.strings("bands", default: rule.bands)
        rule.bandQuantiles = try states.doubles("band_quantiles", default: rule.bandQuantiles,
                                                "must be increasing numbers in (0, 1), one fewer than the bands") { q in
            q.count == rule.bands.count - 1 && q.allSatisfy { $0 > 0 && $0 < 1 } && zip(q, q.dropFirst()).allSatisfy { $0 < $1 }
        }
        rule.components = try states.weights("engagement", default: rule.components.map { ($0.feature, $0.weight) })
            .map { HealthStateRule.Component(feature: $0.0, weight: $0.1) }
        config.chain.smoothing = try states.double("smoothing", default: 0.5, "must be a number ≥ 0") { $0 >= 0 }
        config.chain.shrinkage = try states.double("shrinkage", default: 20, "must be a number ≥ 0") { $0 >= 0 }
        try states.finish()
        do { try rule.validate() } catch { throw ConfigError(path: path, line: 0, key: "states", message: error.description) }
        config.healthStates = rule

        var phases = try top.section("phases")
        var phaseRule = ProjectPhaseRule()
        phaseRule.burnWatch = try phases.double("burn_watch", default: 1.1, "must be a number > 0") { $0 > 0 }
        phaseRule.burnOffTrack = try phases.double("burn_off_track", default: 1.3, "must be a number ≥ burn_watch") { $0 >= phaseRule.burnWatch }
        phaseRule.scheduleWatch = try phases.double("schedule_watch", default: 0.9, "must be a number in [0, 1]") { (0...1).contains($0) }
        phaseRule.scheduleOffTrack = try phases.double("schedule_off_track", default: 0.75, "must be a number in [0, schedule_watch]") {
            $0 >= 0 && $0 <= phaseRule.scheduleWatch
        }
        phaseRule.changeWatch = try phases.double("change_watch", default: 0.1, "must be a number ≥ 0") { $0 >= 0 }
        phaseRule.changeOffTrack = try phases.double("change_off_track", default: 0.25, "must be a number ≥ change_watch") { $0 >= phaseRule.changeWatch }
        try phases.finish()
        config.projectPhases = phaseRule

        var model = try top.section("model")
        config.c = try model.double("c", default: 1, "must be a number > 0") { $0 > 0 }
        config.selectC = try model.bool("select_c", default: false)
        config.cGrid = try model.doubles("c_grid", default: config.cGrid, "must be a non-empty list of numbers > 0") { g in
            !g.isEmpty && g.allSatisfy { $0 > 0 }
        }
        config.cvFolds = try model.int("cv_folds", default: 3, "must be an integer in 2…10") { (2...10).contains($0) }
        config.l1Ratio = try model.double("l1_ratio", default: 0, "must be a number in [0, 1]") { (0...1).contains($0) }
        let weight = try model.choice("class_weight", default: "none", from: ["none", "balanced"])
        config.classWeight = weight == "balanced" ? .balanced : .none
        config.calibration = CalibrationMethod(
            rawValue: try model.choice("calibration", default: "automatic", from: CalibrationMethod.allCases.map(\.rawValue)))!
        config.calibrationFraction = try model.double("calibration_fraction", default: 0.2, "must be a number in (0, 0.5]") { $0 > 0 && $0 <= 0.5 }
        config.maxIterations = try model.int("max_iterations", default: 100, "must be an integer ≥ 1") { $0 >= 1 }
        config.solverTolerance = try model.double("tolerance", default: 1e-8, "must be a number in (0, 1)") { $0 > 0 && $0 < 1 }
        try model.finish()

        var evaluation = try top.section("evaluation")
        config.capacity = try evaluation.int("capacity", default: 50, "must be an integer ≥ 1") { $0 >= 1 }
        config.riskBands = try evaluation.doubles("risk_bands", default: [0.1, 0.3], "must be two increasing probabilities in (0, 1)") { b in
            b.count == 2 && b[0] > 0 && b[0] < b[1] && b[1] < 1
        }
        try evaluation.finish()
        try top.finish()
        return config
    }

    /// The config as flat `key: value` text, for the model file (keys as in the YAML).
    public var flattened: [String: String] {
        func list(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        var out: [String: String] = [
            "task": task.rawValue, "seed": "\(seed)",
            "labels.horizon_days": "\(horizonDays)", "labels.cadence": cadence.rawValue,
            "labels.tolerance": "\(tolerance)", "labels.grace_days": "\(graceDays)",
            "features.families": "[" + families.joined(separator: ", ") + "]",
            "states.onboarding_days": "\(healthStates.onboardingDays)",
            "states.bands": "[" + healthStates.bands.joined(separator: ", ") + "]",
            "states.band_quantiles": list(healthStates.bandQuantiles),
            "states.smoothing": "\(chain.smoothing)", "states.shrinkage": "\(chain.shrinkage)",
            "phases.burn_watch": "\(projectPhases.burnWatch)", "phases.burn_off_track": "\(projectPhases.burnOffTrack)",
            "phases.schedule_watch": "\(projectPhases.scheduleWatch)", "phases.schedule_off_track": "\(projectPhases.scheduleOffTrack)",
            "phases.change_watch": "\(projectPhases.changeWatch)", "phases.change_off_track": "\(projectPhases.changeOffTrack)",
            "model.c": "\(c)", "model.select_c": "\(selectC)", "model.c_grid": list(cGrid), "model.cv_folds": "\(cvFolds)",
            "model.l1_ratio": "\(l1Ratio)", "model.class_weight": classWeight == .balanced ? "balanced" : "none",
            "model.calibration": calibration.rawValue, "model.calibration_fraction": "\(calibrationFraction)",
            "model.max_iterations": "\(maxIterations)", "model.tolerance": "\(solverTolerance)",
            "evaluation.capacity": "\(capacity)", "evaluation.risk_bands": list(riskBands),
        ]
        for component in healthStates.components { out["states.engagement.\(component.feature)"] = "\(component.weight)" }
        return out
    }
}
