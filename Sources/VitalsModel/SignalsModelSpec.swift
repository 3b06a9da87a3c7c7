import VitalsAdditive
import VitalsFeatures
import VitalsLinearAlgebra
import VitalsFoundation
import VitalsHazard
import VitalsMarkov

/// What a model trained on a signals directory needs to score new data exactly as it was
/// trained: the feature recipe (layout, label settings, the fitted Markov columns), the
/// feature names it was trained on, the imputation values, and the risk bands.
///
/// Stored in the model file under `signals`; the JSON keys are the property names.
public struct SignalsModelSpec: Sendable, Equatable, Codable {
    public let layout: FeatureLayout
    /// Every feature's name in model order: the layout's, then the Markov columns.
    public let featureNames: [String]
    public let imputer: FeatureImputer
    public let horizonDays: Int
    public let tolerance: Double
    public let graceDays: Int
    /// The signal files the features are computed from; scoring refuses data without them.
    public let requiredFiles: [String]
    /// The health chain's columns (churn models with the Markov family).
    public let accountChain: HealthStateColumns?
    /// The phase chain's columns (overrun models with the Markov family).
    public let projectChain: PhaseColumns?
    public let riskBands: RiskBands
    /// The first and last snapshot date trained on.
    public let firstSnapshot: Day
    public let lastSnapshot: Day
    /// Overrun models: the 80 % interval of the hours at completion, calibrated on the
    /// training window's finished projects (nil for churn models and older files).
    public var hoursInterval: ForecastInterval?
    /// Overrun models: the correction of the EAC learnt from finished projects (nil for churn
    /// models and older files).
    public var hoursCorrection: ForecastCorrection?
    /// Overrun models: the same two for the days left until the end, on the ratio of the
    /// days a project took after the snapshot to the days the burn-rate end date gave.
    public var endCorrection: ForecastCorrection?
    public var endInterval: ForecastInterval?
    /// Churn models with a curve: the model is a discrete-time hazard model, its last feature
    /// the month ahead (`DiscreteTimeHazard.periodFeature`), and this says how its curves are
    /// read. Nil for a plain churn model at the horizon (and older files).
    public var churnCurve: HazardCurveSpec?
    /// Overrun models: the two risks the label joins, each its own model on the same
    /// features: final hours above budget × (1 + T), and ending after the planned end + G
    /// (nil for churn models and older files).
    public var hoursOverrunModel: FittedRiskModel?
    public var lateModel: FittedRiskModel?

    /// A project snapshot's end date and its 80 % range, from the burn-rate end date
    /// `rawEnd` (`EarnedValue.endDate`, on the corrected hours): the days left corrected by
    /// `endCorrection` and bracketed by `endInterval`, at least a day while work remains.
    /// Nil for a model without them.
    public func endForecast(asOf day: Day, rawEnd: Day, elapsed: Double, x: Matrix, row r: Int) -> (end: Day, low: Day, high: Day)? {
        guard let endInterval else { return nil }
        let left = rawEnd - day
        guard left > 0 else { return (day, day, day) }
        let days = Double(left) * (endCorrection?.factor(x, row: r) ?? 1)
        let range = endInterval.interval(forecast: days, elapsed: elapsed, logged: 1)
        let at = { (d: Double) in day + max(1, Int(d.rounded())) }
        return (at(days), at(min(range.low, days)), at(max(range.high, days)))
    }

    /// A project snapshot's hours forecast: the earned-value EAC times the model's correction
    /// (never below the hours logged), with the model's interval around it, or the PMI
    /// bracket for a model without one. `x` is the model's imputed design, row r this snapshot.
    public func hoursForecast(_ s: ProjectSnapshot, x: Matrix, row r: Int) -> (point: Double, low: Double, high: Double) {
        let earned = s.earnedValue
        let point = max(earned.point * (hoursCorrection?.factor(x, row: r) ?? 1), s.logged)
        guard let hoursInterval else { return (point, min(earned.low, point), max(earned.high, point)) }
        let range = hoursInterval.interval(forecast: point, elapsed: s.elapsed, logged: s.logged)
        return (point, range.low, range.high)
    }

    public init(recipe: FeatureRecipe, imputer: FeatureImputer, requiredFiles: [String], riskBands: RiskBands, firstSnapshot: Day,
                lastSnapshot: Day) {
        self.layout = recipe.layout
        self.featureNames = recipe.featureNames
        self.imputer = imputer
        self.horizonDays = recipe.horizonDays
        self.tolerance = recipe.tolerance
        self.graceDays = recipe.graceDays
        self.requiredFiles = requiredFiles
        switch recipe.markov {
        case let .health(columns): (accountChain, projectChain) = (columns, nil)
        case let .phase(columns): (accountChain, projectChain) = (nil, columns)
        case nil: (accountChain, projectChain) = (nil, nil)
        }
        self.riskBands = riskBands
        self.firstSnapshot = firstSnapshot
        self.lastSnapshot = lastSnapshot
    }

    public var task: RiskTask { layout.task }

    /// The Markov columns, whichever chain they come from.
    public var markov: MarkovColumns? { accountChain.map(MarkovColumns.health) ?? projectChain.map(MarkovColumns.phase) }

    /// How the model's features are made.
    public var recipe: FeatureRecipe {
        FeatureRecipe(layout: layout, horizonDays: horizonDays, tolerance: tolerance, graceDays: graceDays, markov: markov)
    }

    /// The featurizer for this model on `index`.
    ///
    /// - Throws: `SignalsModelError.featureMismatch` when this vitals lays out other features
    ///   from the recipe than the model was trained on (a model written by another version).
    public func featurizer(index: SignalsIndex, modelID: String) throws(SignalsModelError) -> Featurizer {
        let recipe = self.recipe
        let here = recipe.featureNames
        guard here == featureNames else {
            let k = zip(here, featureNames).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(here.count, featureNames.count)
            throw .featureMismatch(model: modelID, modelFeatures: featureNames.count, computedFeatures: here.count, position: k + 1,
                                   inModel: k < featureNames.count ? featureNames[k] : nil, computed: k < here.count ? here[k] : nil)
        }
        return Featurizer(recipe: recipe, index: index)
    }
}

/// A model trained on signals that cannot be applied as asked.
public enum SignalsModelError: Error, Equatable, CustomStringConvertible {
    /// The model was trained on a feature table, not on signals.
    case notASignalsModel(String)
    /// A signal file the model's features come from is absent.
    case missingSignalFile(directory: String, file: String, model: String)
    /// This vitals computes other features than the model has (another version wrote it).
    case featureMismatch(model: String, modelFeatures: Int, computedFeatures: Int, position: Int, inModel: String?, computed: String?)
    /// An evaluation window that starts inside the model's training snapshots.
    case overlap(from: Day, lastTrained: Day)

    public var description: String {
        switch self {
        case let .notASignalsModel(id): return "model \(id) was trained on a feature table, not on signals"
        case let .missingSignalFile(directory, file, model):
            return "\(directory) has no \(file), which model \(model) was trained on; add it, or allow missing signals to score without it"
        case let .featureMismatch(model, modelFeatures, computedFeatures, position, inModel, computed):
            return "model \(model) has \(modelFeatures) features, but this vitals computes \(computedFeatures) from its feature layout "
                + "(feature \(position) is \(inModel.map { "\"\($0)\"" } ?? "nothing") in the model and \(computed.map { "\"\($0)\"" } ?? "nothing") here): "
                + "the model was trained by another version of vitals; retrain it"
        case let .overlap(from, last):
            return "the evaluation window starts \(from), inside the model's training snapshots (up to \(last)); evaluate on later dates"
        }
    }
}
