import Foundation
import VitalsAdditive
import VitalsFoundation
import VitalsHazard
import VitalsHistory
import VitalsModel
import VitalsScoring
import VitalsSignals

/// Why one account or project scores as it does, and what moved it.
///
/// The model is additive in the log-odds, so the explanation is exact, not an approximation:
///
///     η = b + Σⱼ fⱼ(xⱼ) + Σₖ gₖ(x_aₖ, x_bₖ)
///
/// where xⱼ is the feature after the training imputation, fⱼ its shape (wⱼ (xⱼ − meanⱼ) /
/// scaleⱼ in a linear model) and gₖ an interaction, each minus its training mean.
/// `decisionValue` is η as the model computes it; `intercept + Σ contribution` (features and
/// interactions) equals it to rounding (about 1e-12). The probability is the calibration
/// applied to η, a monotone map, so the contributions also order what raises or lowers it.
/// For a churn curve, η is the first month's hazard's log-odds and `intercept` holds that
/// month's period terms (its baseline, and the renewal's lift when the renewal falls in it).
/// The features move every month's log-odds by the same amount, so among accounts whose
/// renewals fall in the same month the probability at any horizon is monotone in η, and
/// the same contributions explain it; the renewal's month says when, not why.
///
/// The change since an earlier date D₀ is split the same way: η(D) − η(D₀) = Σⱼ (fⱼ(xⱼ(D)) −
/// fⱼ(xⱼ(D₀))) + Σₖ (gₖ(D) − gₖ(D₀)), both dates featurized point in time and scored with the
/// current model.
public struct Explanation: Sendable, Codable {
    public struct FeatureLine: Sendable, Equatable, Codable {
        public let feature: String
        /// The point-in-time value; nil when missing (the model then sees the training median).
        public let value: Double?
        /// The value the model multiplies: `value`, or the training median when missing.
        public let modelValue: Double
        /// Where `modelValue` falls among every entity scored on the same date, 0–100 (mid-rank).
        public let percentile: Double
        public let contribution: Double

        enum CodingKeys: String, CodingKey { case feature, value, modelValue = "model_value", percentile, contribution }

        /// Every key written, `value` as `null` when missing (the shared output schema).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(feature, forKey: .feature)
            try c.encode(value, forKey: .value)
            try c.encode(modelValue, forKey: .modelValue)
            try c.encode(percentile, forKey: .percentile)
            try c.encode(contribution, forKey: .contribution)
        }
    }

    /// An interaction's part: its two features' model values and its contribution.
    public struct InteractionLine: Sendable, Equatable, Codable {
        public let feature: String
        public let values: [Double]
        public let contribution: Double
    }

    public struct StatePoint: Sendable, Equatable, Codable {
        public let date: String
        public let state: String?

        enum CodingKeys: String, CodingKey { case date, state }

        /// `state` as `null` when unknown, not left out.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(date, forKey: .date)
            try c.encode(state, forKey: .state)
        }
    }

    public struct ChangePart: Sendable, Equatable, Codable {
        public let feature: String
        public let previous: Double
        public let current: Double
        /// fⱼ(current) − fⱼ(previous). For an interaction, `previous` and `current` are its
        /// contributions on the two dates; for a churn curve's `renewal_in_period`, the
        /// constant part of η (`intercept`) on the two dates, which moves when the renewal
        /// enters or leaves the first month.
        public let contribution: Double
    }

    public struct Change: Sendable, Codable {
        public let since: String
        /// `history` (the previous run in the score history) or `option` (`--since`).
        public let source: String
        public let previousProbability: Double
        public let previousDecisionValue: Double
        /// η(D) − η(D₀); equals the sum of the parts.
        public let decisionChange: Double
        /// The probability the history recorded for D₀, and the model that scored it (which
        /// may be an older model than the one explaining now).
        public let historyProbability: Double?
        public let historyModelID: String?
        /// Every feature whose part is not zero, largest magnitude first.
        public let parts: [ChangePart]

        enum CodingKeys: String, CodingKey {
            case since, source, previousProbability = "previous_probability", previousDecisionValue = "previous_decision_value"
            case decisionChange = "decision_change", historyProbability = "history_probability", historyModelID = "history_model_id", parts
        }

        /// Every key written, `null` for what the history did not record.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(since, forKey: .since)
            try c.encode(source, forKey: .source)
            try c.encode(previousProbability, forKey: .previousProbability)
            try c.encode(previousDecisionValue, forKey: .previousDecisionValue)
            try c.encode(decisionChange, forKey: .decisionChange)
            try c.encode(historyProbability, forKey: .historyProbability)
            try c.encode(historyModelID, forKey: .historyModelID)
            try c.encode(parts, forKey: .parts)
        }
    }

    public let kind: String
    public let id: String
    /// The account's id, name and CSM from accounts.csv (for a project, its account's): the
    /// header a CSM or PSO lead recognises. `account_id` names the account in every output
    /// (docs/schema/explanation.schema.json), so an account's explanation carries its own.
    public let name: String?
    public let csm: String?
    public let accountID: String?
    public let asOf: String
    public let modelID: String
    public let probability: Double
    public let riskBand: RiskBand?
    public let uncalibratedProbability: Double
    public let decisionValue: Double
    public let intercept: Double
    /// Every model feature, largest |contribution| first.
    public let features: [FeatureLine]
    /// The model's interactions, largest |contribution| first; nil for a model without any.
    public let interactions: [InteractionLine]?
    /// The Markov state at each of the 12 month-ends before the as-of date, and on it.
    public let statePath: [StatePoint]
    public let change: Change?

    enum CodingKeys: String, CodingKey {
        case kind, id, name, csm, accountID = "account_id", asOf = "as_of", modelID = "model_id", probability, riskBand = "risk_band"
        case uncalibratedProbability = "uncalibrated_probability", decisionValue = "decision_value", intercept, features, interactions
        case statePath = "state_path", change
    }

    /// Every key written, `null` where there is no value (the shared output schema: no key
    /// comes and goes with the data).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(csm, forKey: .csm)
        try c.encode(accountID, forKey: .accountID)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(modelID, forKey: .modelID)
        try c.encode(probability, forKey: .probability)
        try c.encode(riskBand, forKey: .riskBand)
        try c.encode(uncalibratedProbability, forKey: .uncalibratedProbability)
        try c.encode(decisionValue, forKey: .decisionValue)
        try c.encode(intercept, forKey: .intercept)
        try c.encode(features, forKey: .features)
        try c.encode(interactions, forKey: .interactions)
        try c.encode(statePath, forKey: .statePath)
        try c.encode(change, forKey: .change)
    }

    /// Explains entity `id` in `snapshot`, comparing with `since` when given: a date, where
    /// it came from, and the history's record for it.
    public init(snapshot: ScoredSnapshot, id: String, since: (day: Day, source: String, recorded: ScoreHistory.Score?, recordedModel: String?)?) throws {
        let isChurn = snapshot.task == .churn
        let kind = snapshot.task.entity
        let entity: Int? = isChurn ? snapshot.dataset.accounts.rowByID[id]
            : snapshot.dataset.projects.flatMap { p in p.projectID.firstIndex(of: id) }
        guard let entity else { throw InsightError.unknownEntity(kind: kind, id: id, asOf: "\(snapshot.asOf)") }
        guard let r = snapshot.rowOfID[id] else { throw InsightError.notScored(kind: kind, id: id, asOf: "\(snapshot.asOf)") }
        let model = snapshot.model.model
        let contributions = snapshot.contributions(row: r)
        let n = snapshot.rowCount
        var lines: [FeatureLine] = []
        let featureNames = snapshot.featureNames, p = featureNames.count
        for (j, name) in featureNames.enumerated() {
            let x = snapshot.x[r, j]
            var below = 0, equal = 0
            for i in 0..<n {
                let y = snapshot.x[i, j]
                if y < x { below += 1 } else if y == x { equal += 1 }
            }
            let raw = snapshot.table.features[r * snapshot.table.columnCount + j]
            lines.append(FeatureLine(feature: name, value: raw.isNaN ? nil : raw, modelValue: x,
                                     percentile: 100 * (Double(below) + 0.5 * Double(equal)) / Double(n), contribution: contributions[j]))
        }
        let order = lines.indices.sorted { abs(lines[$0].contribution) != abs(lines[$1].contribution) ? abs(lines[$0].contribution) > abs(lines[$1].contribution) : $0 < $1 }
        features = order.map { lines[$0] }
        let pairs = model.shapes?.pairs ?? []
        interactions = pairs.isEmpty ? nil : zip(pairs, snapshot.termNames.dropFirst(p)).enumerated()
            .map { k, element in
                InteractionLine(feature: element.1, values: [snapshot.x[r, element.0.first], snapshot.x[r, element.0.second]],
                                contribution: contributions[p + k])
            }
            .sorted { abs($0.contribution) > abs($1.contribution) }

        let months = (0...12).reversed().map { snapshot.asOf.adding(months: -$0) }
        statePath = try snapshot.statePath(entity: entity, dates: months)
            .map { StatePoint(date: "\($0.date)", state: $0.state) }

        if let since {
            let earlier = try ScoredSnapshot(model: snapshot.model, index: snapshot.index, asOf: since.day)
            if let r0 = earlier.rowOfID[id] {
                var parts: [ChangePart] = []
                for j in 0..<p {
                    let (a, b) = (earlier.x[r0, j], snapshot.x[r, j])
                    let part = model.contributionChange(feature: j, from: a, to: b)
                    if part != 0 { parts.append(ChangePart(feature: featureNames[j], previous: a, current: b, contribution: part)) }
                }
                for (k, pair) in pairs.enumerated() {
                    let before = model.pairContribution(k, a: earlier.x[r0, pair.first], b: earlier.x[r0, pair.second])
                    let now = model.pairContribution(k, a: snapshot.x[r, pair.first], b: snapshot.x[r, pair.second])
                    if now != before {
                        parts.append(ChangePart(feature: snapshot.termNames[p + k], previous: before, current: now, contribution: now - before))
                    }
                }
                // A curve's period terms: the renewal moving into or out of the first month.
                let (before, now) = (earlier.intercept(row: r0), snapshot.intercept(row: r))
                if now != before {
                    parts.append(ChangePart(feature: PeriodTerms.renewalName, previous: before, current: now, contribution: now - before))
                }
                parts.sort { abs($0.contribution) != abs($1.contribution) ? abs($0.contribution) > abs($1.contribution) : $0.feature < $1.feature }
                change = Change(since: "\(since.day)", source: since.source, previousProbability: earlier.probabilities[r0],
                                previousDecisionValue: earlier.decisionValues[r0], decisionChange: snapshot.decisionValues[r] - earlier.decisionValues[r0],
                                historyProbability: since.recorded?.probability, historyModelID: since.recordedModel, parts: parts)
            } else {
                change = nil
            }
        } else {
            change = nil
        }
        self.kind = kind
        self.id = id
        let accounts = snapshot.dataset.accounts
        let account = isChurn ? entity : snapshot.dataset.projects.map { Int($0.account[entity]) } ?? entity
        name = accounts.name?[account]
        csm = accounts.csm?[account]
        accountID = accounts.accountID[account]
        asOf = "\(snapshot.asOf)"
        modelID = snapshot.model.modelID
        probability = snapshot.probabilities[r]
        riskBand = snapshot.band(r)
        uncalibratedProbability = 1 / (1 + exp(-snapshot.decisionValues[r]))
        decisionValue = snapshot.decisionValues[r]
        intercept = snapshot.intercept(row: r)
    }
}
