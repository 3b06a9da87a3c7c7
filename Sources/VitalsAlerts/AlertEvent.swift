// VitalsAlerts: a change in health turned into events an owner acts on (`vitals alerts`):
// the rules and their config, the events as JSON lines, and their delivery to a webhook with
// retries and a ledger in the score history. Never imports training; never names a flag.

import Crypto
import Foundation
import VitalsFoundation

/// What happened to an account or project between the history's previous run and this one.
/// The order of the cases is the order events are listed in.
public enum AlertKind: String, Sendable, Codable, CaseIterable {
    /// An account's churn probability entered the high band.
    case enteredHighBand = "entered_high_band"
    /// A renewal within the configured days, with churn risk in the high band.
    case renewalAtRisk = "renewal_at_risk"
    /// A project's risk of ending above budget (hours_overrun_probability) entered the high band.
    case overrunEnteredHighBand = "overrun_entered_high_band"
    /// A project's risk of ending late (late_probability) entered the high band.
    case lateEnteredHighBand = "late_entered_high_band"
    /// The probability rose by at least the configured percentage points.
    case probabilityRose = "probability_rose"
    /// In the high band for the configured number of consecutive runs, counting this one.
    case stayedHigh = "stayed_high"

    /// The kinds a model of `task` gives.
    public static func kinds(for task: RiskTask) -> [AlertKind] {
        switch task {
        case .churn: [.enteredHighBand, .renewalAtRisk, .probabilityRose, .stayedHigh]
        case .overrun: [.overrunEnteredHighBand, .lateEnteredHighBand, .probabilityRose, .stayedHigh]
        }
    }
}

/// One alert: a JSON object with every key present (null written explicitly), described by
/// `docs/schema/alert-event.schema.json`.
public struct AlertEvent: Sendable, Equatable, Codable {
    /// Stable across reruns: `AlertEvent.id(kind:task:entity:asOf:)`.
    public let id: String
    public let kind: AlertKind
    /// The account; for a project event, the project's account.
    public let accountID: String
    /// The project of a project event; nil for account events.
    public let projectID: String?
    /// `YYYY-MM-DD`.
    public let asOf: String
    /// The account's CSM (the owner to reach); nil when the book has none.
    public let csm: String?
    /// The probability the event is about (churn, overrun, hours overrun or lateness).
    public let probability: Double
    /// The same probability in the history's previous run; nil on the first run or for an entity new since.
    public let previousProbability: Double?
    /// The account's ARR; nil when unknown.
    public let arr: Double?
    public let modelID: String
    /// The band of `probability` under the model's risk bands.
    public let riskBand: RiskBand
    /// One line in words, e.g. "entered the high band: 12.0 % → 41.3 %; renewal in 21 days".
    public let reason: String

    enum CodingKeys: String, CodingKey {
        case id, kind, accountID = "account_id", projectID = "project_id", asOf = "as_of", csm, probability
        case previousProbability = "previous_probability", arr, modelID = "model_id", riskBand = "risk_band", reason
    }

    public init(kind: AlertKind, task: RiskTask, accountID: String, projectID: String?, asOf: String, csm: String?, probability: Double,
                previousProbability: Double?, arr: Double?, modelID: String, riskBand: RiskBand, reason: String) {
        self.id = Self.id(kind: kind, task: task, entity: projectID ?? accountID, asOf: asOf)
        self.kind = kind
        self.accountID = accountID
        self.projectID = projectID
        self.asOf = asOf
        self.csm = csm
        self.probability = probability
        self.previousProbability = previousProbability
        self.arr = arr
        self.modelID = modelID
        self.riskBand = riskBand
        self.reason = reason
    }

    /// The first 32 hex digits (128 bits) of SHA-256 over `kind`, `task`, the entity id and the
    /// as-of date, separated by a unit separator: the same event on a rerun, or after a
    /// retrained model, has the same id; another date, entity or kind has another.
    public static func id(kind: AlertKind, task: RiskTask, entity: String, asOf: String) -> String {
        let key = [kind.rawValue, task.rawValue, entity, asOf].joined(separator: "\u{1F}")
        return lowercaseHex(SHA256.hash(data: Data(key.utf8)).prefix(16))
    }

    /// Every key is written, nil ones as null (the synthesized encoder would leave them out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(accountID, forKey: .accountID)
        try c.encode(projectID, forKey: .projectID)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(csm, forKey: .csm)
        try c.encode(probability, forKey: .probability)
        try c.encode(previousProbability, forKey: .previousProbability)
        try c.encode(arr, forKey: .arr)
        try c.encode(modelID, forKey: .modelID)
        try c.encode(riskBand, forKey: .riskBand)
        try c.encode(reason, forKey: .reason)
    }

    /// The event as one line of JSON (keys sorted, no trailing newline): what `--out` writes
    /// one per line and what a webhook receives as its body.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Events as JSON lines, each ending in a newline.
    public static func jsonLines(_ events: [AlertEvent]) throws -> Data {
        var data = Data()
        for event in events {
            data.append(try event.json())
            data.append(0x0A)
        }
        return data
    }
}
