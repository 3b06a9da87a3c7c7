import VitalsHistory
import VitalsScoring

/// "New on the list", one rule for every list: the entities the same query (the same filter,
/// the same top N and the same order, ties broken by `RiskOrder`) put on the list in the
/// previous run, recomputed from that run's scores in the history.
enum PreviousList {
    /// - Parameters:
    ///   - scores: the previous run's scores by entity id.
    ///   - matches: the query's filter, on an entity id (an entity no longer in the data does not match).
    ///   - key: the query's order on a previous score (probability when the order needs what the history does not keep).
    static func ids(_ scores: [String: ScoreHistory.Score], matches: (String) -> Bool, key: (ScoreHistory.Score) -> Double, top: Int) -> Set<String> {
        let ordered = scores.values.filter { matches($0.entityID) }
            .map { RiskOrder(key: key($0), probability: $0.probability, logOdds: $0.logOdds, id: $0.entityID) }
            .sorted { $0.ranksAbove($1) }
        return Set(ordered.prefix(top).map(\.id))
    }
}
