import VitalsHistory
import VitalsScoring

/// "New on the list" and "left the list", one rule for every list, judged on a watch list of a
/// fixed size rather than on `--top`: the top `size` entities of the query's filter, in the
/// query's order (ties broken by `RiskOrder`), now and in the previous run. So `--top 3` and
/// `--top 10` agree on who is new, and an entity that leaves the top 50 is reported once, as a
/// CSM or PSO lead would keep a standing list of 50 and see who joined and who dropped off.
enum PreviousList {
    /// The watch list's size: the lists' N flag and their "left the list" section are judged on
    /// the top 50 (README, "New and left").
    static let size = 50

    /// The previous run's watch list, best first.
    /// - Parameters:
    ///   - scores: the previous run's scores by entity id.
    ///   - matches: the query's filter, on an entity id (an entity no longer in the data does not match).
    ///   - key: the query's order on a previous score (probability when the order needs what the history does not keep).
    static func ids(_ scores: [String: ScoreHistory.Score], matches: (String) -> Bool, key: (ScoreHistory.Score) -> Double) -> [String] {
        let ordered = scores.values.filter { matches($0.entityID) }
            .map { RiskOrder(key: key($0), probability: $0.probability, logOdds: $0.logOdds, id: $0.entityID) }
            .sorted { $0.ranksAbove($1) }
        return ordered.prefix(size).map(\.id)
    }
}

/// An entity on the previous run's watch list (`PreviousList`) that is not on today's: its rank
/// and probability then, and its probability now (nil when it is not scored now: an account
/// that churned or is no longer active, a project no longer in flight).
public struct LeftEntry: Sendable, Equatable {
    public let id: String
    /// The account's name (for a project, its account's), and for a project its account's id.
    public let name: String?
    public let accountID: String?
    public let previousRank: Int
    public let previousProbability: Double
    public let probability: Double?

    /// The entry in the lists' JSON (every key present, `null` when there is no value).
    var document: JSONDocument {
        .object(["id": .string(id), "name": .string(name), "account_id": .string(accountID), "previous_rank": .integer(previousRank),
                 "previous_probability": .number(previousProbability), "probability": .number(probability)])
    }

    /// The previous watch list's entities missing from `current`, in their previous order.
    static func left(previous: [String], current: Set<String>, scores: [String: ScoreHistory.Score], now: [String: Double],
                     describe: (String) -> (name: String?, accountID: String?)) -> [LeftEntry] {
        previous.enumerated().compactMap { rank, id in
            guard !current.contains(id), let before = scores[id] else { return nil }
            let (name, accountID) = describe(id)
            return LeftEntry(id: id, name: name, accountID: accountID, previousRank: rank + 1, previousProbability: before.probability, probability: now[id])
        }
    }
}
