import Foundation
import VitalsFoundation
import VitalsHistory
import VitalsScoring

/// `vitals digest`: the digest's pages as values, from a churn model's scores (the CSM pages),
/// an overrun model's (the PSO page) or both, and the score history (changes, who is new on a
/// list and who left it, the trends).
///
/// Nothing here scores or ranks on its own: each CSM page holds the at-risk list of that CSM
/// (`AtRiskList`, the same query as `vitals at-risk --csm NAME --top N`), the PSO page the
/// project list (`ProjectList`, as `vitals projects --top N`).
public struct DigestRequest: Sendable {
    public var churn: ScoringInput?
    public var overrun: ScoringInput?
    public var historyPath: String
    /// The at-risk list's and the project list's `top`.
    public var top: Int

    public init(churn: ScoringInput?, overrun: ScoringInput?, historyPath: String, top: Int = 20) {
        self.churn = churn
        self.overrun = overrun
        self.historyPath = historyPath
        self.top = top
    }

    public func run() throws -> (digest: HealthDigest, warnings: [String]) {
        var warnings: [String] = []
        var churnSide: HealthDigest.ChurnSide?
        var asOf: String?
        if let churn {
            let context = try InsightContext(input: churn, historyPath: historyPath)
            warnings += context.warnings
            churnSide = try Self.churnSide(context, historyPath: historyPath, top: top)
            asOf = "\(context.snapshot.asOf)"
        }
        var projects: ProjectList?
        if let overrun {
            let (list, more) = try ProjectListRequest(input: overrun, historyPath: historyPath, query: ProjectQuery(top: top)).run()
            warnings += more
            projects = list
            asOf = asOf ?? list.asOf
        }
        return (HealthDigest(asOf: asOf ?? "", churn: churnSide, projects: projects), warnings)
    }

    /// The CSMs named in accounts.csv, each once: names that differ only in case are one CSM
    /// (the at-risk list's `--csm` matches any case), shown as the first spelling in sort order.
    static func csmNames(_ csm: (Int) -> String?, count: Int) -> [String] {
        var spelling: [String: String] = [:]
        for a in 0..<count {
            guard let name = csm(a), !name.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let key = name.lowercased()
            if let seen = spelling[key], seen <= name { continue }
            spelling[key] = name
        }
        return spelling.sorted { $0.key != $1.key ? $0.key < $1.key : $0.value < $1.value }.map(\.value)
    }

    static func churnSide(_ context: InsightContext, historyPath: String, top: Int) throws -> HealthDigest.ChurnSide {
        let snapshot = context.snapshot
        let accounts = snapshot.dataset.accounts
        let names = csmNames({ accounts.csm?[$0] }, count: accounts.count)
        let fileNames = DigestSlug.unique(names).map { "csm-\($0).html" }
        let history = try ScoreHistory(path: historyPath, access: .read)
        let asOf = "\(snapshot.asOf)"

        var csms: [CSMDigest] = []
        for (name, fileName) in zip(names, fileNames) {
            // Every account of the CSM, in the list's order: the renewals, the ARR at risk and the band
            // counts; the page's list is its first `top` (ranked and phrased once).
            let all = try AtRiskList(snapshot: snapshot, query: AtRiskQuery(top: Int.max, csm: name), previous: context.previous)
            let list = all.prefix(top)
            // Who left: the at-risk list's own rule (its watch list, the top 50 of the same query).
            let left = list.leftTheList.map { e in
                CSMDigest.LeftEntry(accountID: e.id, name: e.name, previousProbability: e.previousProbability, probability: e.probability)
            }
            let renewals = all.accounts.filter(\.renewsWithinHorizon)
                .sorted { ($0.renewalDate, $0.rank) < ($1.renewalDate, $1.rank) }
            var trends: [String: [CSMDigest.TrendPoint]] = [:]
            for entry in list.accounts + renewals where trends[entry.accountID] == nil {
                trends[entry.accountID] = try Self.trend(history, id: entry.accountID, asOf: asOf, now: entry.churnProbability)
            }
            csms.append(CSMDigest(
                name: name, fileName: fileName, atRisk: list, left: left, renewals: renewals,
                arrAtRisk: all.accounts.reduce(0) { $0 + ($1.arrAtRisk ?? 0) }, highRisk: all.accounts.filter { $0.riskBand == .high }.count,
                trends: trends))
        }
        let withoutCSM = (0..<snapshot.rowCount).filter { r in
            (accounts.csm?[Int(snapshot.table.entities[r])]).map { $0.trimmingCharacters(in: .whitespaces).isEmpty } ?? true
        }.count
        return HealthDigest.ChurnSide(
            modelID: snapshot.model.modelID, previousRun: context.previous.map { AtRiskList.PreviousRun(asOf: $0.run.asOf, modelID: $0.run.modelID) },
            horizonDays: snapshot.spec.horizonDays, riskBands: snapshot.spec.riskBands, top: top, csms: csms, accountsWithoutCSM: withoutCSM)
    }

    /// An account's churn probability in the history's runs before `asOf` (the last run of a
    /// day when a day was scored twice), then `now`.
    static func trend(_ history: ScoreHistory, id: String, asOf: String, now: Double) throws -> [CSMDigest.TrendPoint] {
        var points: [CSMDigest.TrendPoint] = []
        for point in try history.trend(entity: id, task: RiskTask.churn.rawValue) where point.asOf < asOf {
            if points.last?.asOf == point.asOf { points.removeLast() }
            points.append(CSMDigest.TrendPoint(asOf: point.asOf, probability: point.probability))
        }
        return points + [CSMDigest.TrendPoint(asOf: asOf, probability: now)]
    }
}
